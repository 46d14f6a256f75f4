using System.Buffers.Text;
using System.Globalization;
using System.Net.Http.Headers;

namespace Tracking.Bench;

/// <summary>
/// One client of <c>GET /api/v1/stream</c> as a dashboard uses it: reads every event, and when the gateway ends the
/// stream (a <c>disconnect</c>: it fell behind) reconnects with <c>Last-Event-ID</c> as EventSource does. Counts the
/// <c>reading</c> events, checks that ids only increase (nothing twice), and optionally records each reading's lag: the
/// time it is received minus its reading time (the publisher stamps fixed-rate readings with their publish time).
/// </summary>
internal sealed class SseClient(HttpClient http, string path, int expected, bool lag)
{
    private static readonly byte[] TimeField = "\"time\":\""u8.ToArray();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastId = -1, _eventId = -1;
    private bool _reading;

    public int Readings { get; private set; }
    public int Disconnects { get; private set; }
    public int Resets { get; private set; }

    /// <summary>Events whose id was not above the previous one's: a repeat (resume should never give one).</summary>
    public int OutOfOrder { get; private set; }

    /// <summary>Lag of each reading event, in ms (when asked for).</summary>
    public List<double> LagMs { get; } = [];

    /// <summary>When the client had its <c>expected</c> reading events (Stopwatch timestamp).</summary>
    public long DoneAt { get; private set; }

    /// <summary>Completes once the first response has begun (the client is subscribed).</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes once <c>expected</c> reading events were received.</summary>
    public Task Done => _done.Task;

    public async Task RunAsync(CancellationToken ct)
    {
        byte[] buffer = new byte[1 << 16];
        while (!ct.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (_lastId >= 0) request.Headers.Add("Last-Event-ID", _lastId.ToString(CultureInfo.InvariantCulture));
            using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            _connected.TrySetResult();
            await using Stream body = await response.Content.ReadAsStreamAsync(ct);
            int have = 0;
            while (true)
            {
                int n = await body.ReadAsync(buffer.AsMemory(have), ct);
                if (n == 0) break; // the gateway ended the stream: resume
                have += n;
                int used = Consume(buffer.AsSpan(0, have));
                Buffer.BlockCopy(buffer, used, buffer, 0, have - used);
                have -= used;
                if (have == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }

    /// <summary>Handles the complete lines at the start of <paramref name="data"/>; returns how many bytes they took.</summary>
    private int Consume(ReadOnlySpan<byte> data)
    {
        int used = 0;
        while (true)
        {
            int nl = data[used..].IndexOf((byte)'\n');
            if (nl < 0) return used;
            Line(data.Slice(used, nl));
            used += nl + 1;
        }
    }

    private void Line(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            // The end of an event: one with an id is one the client may resume after.
            if (_eventId >= 0)
            {
                if (_eventId <= _lastId) OutOfOrder++;
                _lastId = _eventId;
            }
            if (_reading && ++Readings == expected)
            {
                DoneAt = System.Diagnostics.Stopwatch.GetTimestamp();
                _done.TrySetResult();
            }
            _eventId = -1;
            _reading = false;
            return;
        }
        if (line.StartsWith("id: "u8))
        {
            _eventId = Utf8Parser.TryParse(line[4..], out long id, out _) ? id : -1;
        }
        else if (line.StartsWith("event: "u8))
        {
            ReadOnlySpan<byte> type = line[7..];
            _reading = type.SequenceEqual("reading"u8);
            if (type.SequenceEqual("disconnect"u8)) Disconnects++;
            else if (type.SequenceEqual("reset"u8)) Resets++;
        }
        else if (lag && _reading && line.StartsWith("data: "u8))
        {
            // The first reading's time: {"fleet":..,"readings":[{"time":"2026-12-04T22:00:00.123+00:00",...
            int at = line.IndexOf(TimeField);
            if (at < 0) return;
            ReadOnlySpan<byte> rest = line[(at + TimeField.Length)..];
            int end = rest.IndexOf((byte)'"');
            if (end < 0) return;
            var time = DateTimeOffset.Parse(System.Text.Encoding.ASCII.GetString(rest[..end]), CultureInfo.InvariantCulture);
            LagMs.Add((DateTimeOffset.UtcNow - time).TotalMilliseconds);
        }
    }
}
