using System.Net;
using System.Text.Json;
using Tracking.Gateway.Api.Tests.Support;

namespace Tracking.Gateway.Api.Tests;

public class OpenApiTests
{
    [Fact]
    public async Task The_document_lists_every_route_with_its_methods()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage response = await api.Client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement paths = (await ApiHost.JsonAsync(response)).GetProperty("paths");
        (string Path, string Method)[] expected =
        [
            ("/api/v1/profiles", "get"), ("/api/v1/profiles/{name}", "get"), ("/api/v1/profiles/{name}", "put"),
            ("/api/v1/containers/{container}/profile", "put"), ("/api/v1/containers/{container}/summary", "get"),
            ("/api/v1/containers/{container}/warnings", "get"), ("/api/v1/fleets/{fleet}/profile", "get"), ("/api/v1/fleets/{fleet}/profile", "put"),
            ("/api/v1/alerts", "get"), ("/api/v1/alerts/{id}", "get"), ("/api/v1/alerts/{id}/ack", "post"),
        ];
        foreach ((string path, string method) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out JsonElement item) && item.TryGetProperty(method, out _), $"{method} {path} is not in the document");
        }
    }

    [Fact]
    public async Task The_profile_schema_has_the_snake_case_fields()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        string document = await api.Client.GetStringAsync("/openapi/v1.json");

        foreach (string field in new[] { "\"delay_s\"", "\"cumulative_s\"", "\"mkt_window_s\"", "\"acknowledged_by\"", "\"mkt_trip_c\"" })
        {
            Assert.Contains(field, document, StringComparison.Ordinal);
        }
    }
}
