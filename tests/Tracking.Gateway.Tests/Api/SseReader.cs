using System.Net.Http.Headers;
using System.Text;

namespace Tracking.Gateway.Tests.Api;

/// <summary>Reads a Server-Sent Events response frame by frame: (id, event, data), a comment as event ":".</summary>
public sealed class SseReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    public static async Task<SseReader> OpenAsync(HttpClient client, string url, string token, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new SseReader(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next frame; null at the end of the stream. Throws after <paramref name="timeoutMs"/>.</summary>
    public async Task<(string? Id, string Event, string Data)?> NextAsync(int timeoutMs = 15_000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        string? id = null, type = null;
        var data = new StringBuilder();
        while (true)
        {
            string? line = await _reader.ReadLineAsync(cts.Token);
            if (line is null) return null;
            if (line.Length == 0)
            {
                if (type is null && id is null && data.Length == 0) continue;
                return (id, type ?? "message", data.ToString());
            }
            if (line.StartsWith(':')) return (null, ":", line[1..].Trim());
            int colon = line.IndexOf(':');
            string field = colon < 0 ? line : line[..colon], value = colon < 0 ? "" : line[(colon + 1)..].TrimStart();
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": data.Append(value); break;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
