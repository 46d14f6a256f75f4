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
            ("/api/v1/containers/{container}/trips", "post"), ("/api/v1/containers/{container}/trips", "get"),
            ("/api/v1/containers/{container}/trips/current/end", "post"), ("/api/v1/containers/{container}/trips/{id}", "get"),
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

    [Fact]
    public async Task The_bearer_scheme_is_declared_and_required_exactly_by_the_mutating_operations()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        JsonElement document = await ApiHost.JsonAsync(await api.Client.GetAsync("/openapi/v1.json"));

        JsonElement scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("operatorToken");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
        List<string> secured = [], open = [];
        foreach (JsonProperty path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (JsonProperty operation in path.Value.EnumerateObject())
            {
                bool requires = operation.Value.TryGetProperty("security", out JsonElement security)
                    && security.EnumerateArray().Any(r => r.TryGetProperty("operatorToken", out JsonElement scopes) && scopes.GetArrayLength() == 0);
                (requires ? secured : open).Add($"{operation.Name} {path.Name}");
            }
        }
        Assert.Equal(
            ["post /api/v1/alerts/{id}/ack", "post /api/v1/containers/{container}/trips", "post /api/v1/containers/{container}/trips/current/end",
             "put /api/v1/containers/{container}/profile", "put /api/v1/fleets/{fleet}/profile", "put /api/v1/profiles/{name}"],
            secured.Order(StringComparer.Ordinal));
        Assert.All(open, o => Assert.StartsWith("get ", o, StringComparison.Ordinal));
        Assert.NotEmpty(open);
    }
}
