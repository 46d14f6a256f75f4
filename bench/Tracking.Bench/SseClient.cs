using System.Buffers.Text;
using System.Globalization;
using System.Net.Http.Headers;

namespace Tracking.Bench;

/// <summary>
/// One client of <c>GET /api/v1/stream</c> as a dashboard uses it: reads every event, and when the gateway ends the
/// stream (a <c>disconnect</c>: it fell behind) reconnects with <c>Last-Event-ID</c> as EventSource does. Counts the
/// readings of the <c>readings</c> events, checks that ids only increase (nothing twice), and optionally records each
/// reading's lag: the time it is received minus its reading time (the publisher stamps fixed-rate readings with their
/// publish time). It shares the machine with the gateway, so it does not parse the JSON: a reading is a flat array
/// (<c>[container, tag, time ms, temp, rh, pressure, peak]</c>, docs/api.md) after <c>"readings":[</c>, and the names
/// before it are ids without brackets, so the readings are the <c>[</c> after that key.
/// </summary>
internal sealed class SseClient(HttpClient http, string path, int expected, bool lag)
{
    private static readonly byte[] ReadingsField = "\"readings\":["u8.ToArray();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastId = -1, _eventId = -1;
    private bool _reading;
    private int _eventReadings;

    /// <summary>Readings received (in <c>readings</c> events).</summary>
    public int Readings { get; private set; }
    public int Disconnects { get; private set; }
    public int Resets { get; private set; }

    /// <summary>Events whose id was not above the previous one's: a repeat (resume should never give one).</summary>
    public int OutOfOrder { get; private set; }

    /// <summary>Lag of each reading, in ms (when asked for).</summary>
    public List<double> LagMs { get; } = [];

    /// <summary>When the client had its <c>expected</c> readings (Stopwatch timestamp).</summary>
    public long DoneAt { get; private set; }

    /// <summary>Completes once the first response has begun (the client is subscribed).</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes once <c>expected</c> readings were received.</summary>
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
            if (_reading && _eventReadings > 0)
            {
                bool before = Readings < expected;
                Readings += _eventReadings;
                if (before && Readings >= expected)
                {
                    DoneAt = System.Diagnostics.Stopwatch.GetTimestamp();
                    _done.TrySetResult();
                }
            }
            _eventId = -1;
            _reading = false;
            _eventReadings = 0;
            return;
        }
        if (line.StartsWith("id: "u8))
        {
            _eventId = Utf8Parser.TryParse(line[4..], out long id, out _) ? id : -1;
        }
        else if (line.StartsWith("event: "u8))
        {
            ReadOnlySpan<byte> type = line[7..];
            _reading = type.SequenceEqual("readings"u8);
            if (type.SequenceEqual("disconnect"u8)) Disconnects++;
            else if (type.SequenceEqual("reset"u8)) Resets++;
        }
        else if (_reading && line.StartsWith("data: "u8))
        {
            int at = line.IndexOf(ReadingsField);
            if (at < 0) return;
            ReadOnlySpan<byte> rest = line[(at + ReadingsField.Length)..];
            _eventReadings = rest.Count((byte)'[');
            if (lag) Lags(rest);
        }
    }

    /// <summary>The lag of each reading of <paramref name="readings"/> (<c>[c,t,ms,...],[c,t,ms,...]]}</c>): now minus its time.</summary>
    private void Lags(ReadOnlySpan<byte> readings)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        while (true)
        {
            int open = readings.IndexOf((byte)'[');
            if (open < 0) return;
            readings = readings[(open + 1)..];
            // Skip the container and tag indexes: the time is the third element.
            int comma = readings.IndexOf((byte)',');
            int second = comma < 0 ? -1 : readings[(comma + 1)..].IndexOf((byte)',');
            if (second < 0) return;
            ReadOnlySpan<byte> time = readings[(comma + second + 2)..];
            if (Utf8Parser.TryParse(time, out long ms, out _)) LagMs.Add(now - ms);
        }
    }
}
