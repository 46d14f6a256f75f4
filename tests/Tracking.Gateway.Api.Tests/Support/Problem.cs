using System.Net;
using System.Text.Json;

namespace Tracking.Gateway.Api.Tests.Support;

/// <summary>Checks an RFC 7807 answer: the status, the media type, and a detail that names the reason.</summary>
public static class Problem
{
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement body = await ApiHost.JsonAsync(response);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        string detail = body.GetProperty("detail").GetString()!;
        Assert.Contains(detailContains, detail, StringComparison.Ordinal);
        return body;
    }
}
