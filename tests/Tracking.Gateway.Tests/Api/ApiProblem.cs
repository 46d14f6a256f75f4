using System.Net;
using System.Text.Json;

namespace Tracking.Gateway.Tests.Api;

/// <summary>Checks an RFC 7807 answer (docs/api.md "Errors"): the status, the media type, and a detail naming the reason.</summary>
public static class ApiProblem
{
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains, string what)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{what}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{what}: media type {response.Content.Headers.ContentType?.MediaType}, body {text}");
        JsonElement body = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        string detail = body.TryGetProperty("detail", out JsonElement d) ? d.GetString() ?? "" : "";
        Assert.True(detail.Contains(detailContains, StringComparison.Ordinal), $"{what}: detail '{detail}' lacks '{detailContains}'");
        return body;
    }
}
