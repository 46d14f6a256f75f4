using System.Net.Http.Headers;
using System.Text;

namespace Tracking.Testing;

/// <summary>
/// Reads a Server-Sent Events response frame by frame: (id, event, data), or a comment as event ":". Of the tracking
/// stream it also decodes every <c>readings</c> event as it reads it, with the name tables of the <c>names</c> events and
/// the events before (<see cref="Decoder"/>), as a client must: a readings event names a reading's stream by index.
/// </summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly Dictionary<string, IReadOnlyList<StreamReading>> _decoded = new(StringComparer.Ordinal);

    private SseClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>The name tables as this connection has them after the frames read so far.</summary>
    public StreamReadings Decoder { get; } = new();

    /// <summary>The readings of a <c>readings</c> frame this client read, decoded when it was read.</summary>
    public IReadOnlyList<StreamReading> Readings((string? Id, string Event, string Data) frame) =>
        frame.Event == "readings" && frame.Id is not null ? _decoded[frame.Id] : throw new ArgumentException($"not a readings event: {frame}");

    public static async Task<SseClient> OpenAsync(HttpClient client, string url, string? lastEventId = null, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new SseClient(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next frame; null at the end of the stream. Fails the test after <paramref name="timeoutMs"/>.</summary>
    public async Task<(string? Id, string Event, string Data)?> NextAsync(int timeoutMs = 10_000)
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
                string text = data.ToString();
                if (type == "names") Decoder.Names(text);
                else if (type == "readings" && id is not null) _decoded[id] = Decoder.Decode(text);
                return (id, type ?? "message", text);
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

    /// <summary>
    /// The next frame that is not a comment or a <c>names</c> event (whose names <see cref="Decoder"/> has then, as a
    /// client keeps them for the readings events after).
    /// </summary>
    public async Task<(string? Id, string Event, string Data)?> NextEventAsync(int timeoutMs = 10_000)
    {
        while (true)
        {
            var frame = await NextAsync(timeoutMs);
            if (frame is null || frame.Value.Event is not (":" or "names")) return frame;
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
