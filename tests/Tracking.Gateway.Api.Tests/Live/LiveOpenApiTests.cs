using System.Text.Json;
using Tracking.Gateway.Api.Tests.Support;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>The live endpoints are in /openapi/v1.json with their snake_case schemas and the stream's media type.</summary>
public class LiveOpenApiTests
{
    [Fact]
    public async Task The_document_lists_the_live_routes_and_fields()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        string document = await api.Client.GetStringAsync("/openapi/v1.json");

        JsonElement paths = JsonDocument.Parse(document).RootElement.GetProperty("paths");
        foreach (string path in new[] { "/api/v1/containers", "/api/v1/containers/{container}/readings", "/api/v1/stream" })
        {
            Assert.True(paths.TryGetProperty(path, out JsonElement item) && item.TryGetProperty("get", out _), $"GET {path} is not in the document");
        }
        Assert.True(paths.GetProperty("/api/v1/stream").GetProperty("get").GetProperty("responses").GetProperty("200").GetProperty("content")
            .TryGetProperty("text/event-stream", out _));
        foreach (string field in new[] { "\"page_size\"", "\"low_battery\"", "\"spool_depth\"", "\"rssi_dbm\"", "\"temp_c_max\"", "\"bucket_s\"" })
        {
            Assert.Contains(field, document, StringComparison.Ordinal);
        }
    }
}
