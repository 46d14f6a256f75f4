using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Tracking.Gateway.Api.Rules;

/// <summary>Reads a JSON request body of bounded size into a DTO, or says why it cannot (as a problem result).</summary>
internal static class RequestBody
{
    /// <summary>A profile with the most bands the validator allows is about 8 KiB; nothing the API takes is larger.</summary>
    public const int MaxBytes = 64 * 1024;

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        if (request.ContentLength > MaxBytes) return (null, Problems.TooLarge($"the body is over {MaxBytes} bytes"));
        if (request.ContentType is { } contentType && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.UnsupportedMediaType($"the body must be application/json, not {contentType}"));
        }
        // Without a Content-Length (chunked) the limit is enforced while reading.
        var buffer = new MemoryStream();
        byte[] chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return (null, Problems.TooLarge($"the body is over {MaxBytes} bytes"));
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) return (null, Problems.BadRequest("a JSON body is required"));
        try
        {
            T? value = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), type);
            return value is null ? (null, Problems.BadRequest("the body must be a JSON object, not null")) : (value, null);
        }
        catch (JsonException ex)
        {
            // The message names the field (missing required, unknown, wrong type) and where; the path pins it down.
            return (null, Problems.BadRequest($"invalid JSON body: {ex.Message}"));
        }
    }
}
