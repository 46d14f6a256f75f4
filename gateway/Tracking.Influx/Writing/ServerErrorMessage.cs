using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tracking.Influx.Writing;

/// <summary>Extracts the human-readable reason from an InfluxDB error response.</summary>
internal static class ServerErrorMessage
{
    public const int MaxBodyBytes = 64 * 1024;
    private const int MaxMessageChars = 2000;

    /// <summary>
    /// 1.x: <c>{"error":"partial write: ..."}</c> (also in <c>X-Influxdb-Error</c>); 2.x: <c>{"code":..,"message":..}</c>;
    /// 3.x: <c>{"error":..,"data":[{"line_number":..,"error_message":..}]}</c>.
    /// </summary>
    public static string From(int statusCode, string? reasonPhrase, HttpResponseHeaders headers, string body)
    {
        string? message = FromJson(body);
        if (message is null && headers.TryGetValues("X-Influxdb-Error", out IEnumerable<string>? values))
        {
            message = string.Join("; ", values);
        }

        if (string.IsNullOrWhiteSpace(message))
        {
            message = string.IsNullOrWhiteSpace(body) ? $"HTTP {statusCode} {reasonPhrase}" : body.Trim();
        }

        return message.Length <= MaxMessageChars ? message : message[..MaxMessageChars] + "…";
    }

    public static async Task<string> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        byte[] buffer = new byte[MaxBodyBytes];
        int total = 0;
        while (total < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static string? FromJson(string body)
    {
        if (body.Length == 0 || body[0] != '{')
        {
            return null;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var sb = new StringBuilder();
            if (root.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.String)
            {
                sb.Append(error.GetString());
            }
            else if (root.TryGetProperty("message", out JsonElement message) && message.ValueKind == JsonValueKind.String)
            {
                sb.Append(message.GetString());
            }

            if (root.TryGetProperty("data", out JsonElement data) && data.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in data.EnumerateArray().Take(5))
                {
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("error_message", out JsonElement lineError))
                    {
                        sb.Append(sb.Length > 0 ? "; " : "").Append(lineError.ToString());
                    }
                }
            }

            return sb.Length > 0 ? sb.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
