using System.Buffers.Text;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Tracking.Bench;

/// <summary>
/// One client of <c>GET /api/v1/stream</c> as a dashboard uses it: reads every event, and when the gateway ends the
/// stream (a <c>disconnect</c>: it fell behind) reconnects with <c>Last-Event-ID</c> as EventSource does. Counts the
/// readings of the <c>readings</c> events, checks that ids only increase (nothing twice), and optionally records each
/// reading's lag: the time it is received minus its reading time (the publisher stamps fixed-rate readings with their
/// publish time). It shares the machine with the gateway, so it costs as little as it can: it does not parse the JSON
/// (a reading is a flat array, <c>[stream, time ms, temp, rh, pressure, peak]</c>, docs/api.md, after
/// <c>"readings":[</c>, and the names and streams (<c>[container, tag]</c> pairs) an event introduces come before it, so
/// the readings are the <c>[</c> after that key) and resolves no names (a reading's stream is an index into the fleet's
/// streams: counting needs none; it counts the <c>names</c> events each connection begins with, whose bytes are part of the
/// stream's), and it speaks HTTP/1.1 on a socket of its own: the request, the status line, then the chunked body decoded in
/// its receive buffer, up to 256 KiB per read. HttpClient handed back one chunk per read (the gateway's chunks are its
/// pipe's 4 KiB blocks), about 11 reads and their async machinery per batch and client (bench/README.md, "Issue 13
/// figures: SSE fan-out (branch fanout13, December 2026)"). Given an <see cref="HttpClient"/> it reads through it as
/// before (`sse-fanout --sse-client http`), to compare the instrument's cost with the same gateway.
/// </summary>
internal sealed class SseClient(Uri server, string path, int expected, bool lag, HttpClient? http = null)
{
    private static readonly byte[] ReadingsField = "\"readings\":["u8.ToArray(), T0Field = "\"t0\":"u8.ToArray();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _counting = new();
    private long _lastId = -1, _eventId = -1;
    private bool _reading;
    private int _eventReadings, _expected = expected;

    private long _bytes;

    /// <summary>Bytes of events received (without HTTP chunk framing) since the count began.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    private int _readings;

    /// <summary>
    /// Readings received (in <c>readings</c> events) since the count began (<see cref="Recount"/>); read on other threads
    /// while the client's own task counts.
    /// </summary>
    public int Readings
    {
        get
        {
            lock (_counting) return _readings;
        }
    }
    public int Disconnects { get; private set; }

    /// <summary><c>names</c> events received (one per fleet with names at each connection: docs/api.md, "Names").</summary>
    public int NamesEvents { get; private set; }
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

    /// <summary>
    /// Starts the count again at 0, now expecting <paramref name="readings"/> (the measured ones, once the warm-up's
    /// were all received), and forgets the lags so far.
    /// </summary>
    public void Recount(int readings)
    {
        lock (_counting)
        {
            _readings = 0;
            Interlocked.Exchange(ref _bytes, 0);
            _expected = readings;
            LagMs.Clear();
        }
    }

    public Task RunAsync(CancellationToken ct) => http is null ? RunSocketAsync(ct) : RunHttpAsync(http, ct);

    /// <summary>The client before: HttpClient, one chunk per read.</summary>
    private async Task RunHttpAsync(HttpClient client, CancellationToken ct)
    {
        byte[] buffer = new byte[1 << 16];
        while (!ct.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (_lastId >= 0) request.Headers.Add("Last-Event-ID", _lastId.ToString(CultureInfo.InvariantCulture));
            using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            _connected.TrySetResult();
            await using Stream body = await response.Content.ReadAsStreamAsync(ct);
            int have = 0;
            while (true)
            {
                int n = await body.ReadAsync(buffer.AsMemory(have), ct);
                if (n == 0) break; // the gateway ended the stream: resume
                have += n;
                Interlocked.Add(ref _bytes, n);
                int used = Consume(buffer.AsSpan(0, have));
                Buffer.BlockCopy(buffer, used, buffer, 0, have - used);
                have -= used;
                if (have == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }

    private async Task RunSocketAsync(CancellationToken ct)
    {
        byte[] raw = new byte[256 * 1024];
        byte[] events = new byte[256 * 1024];
        while (!ct.IsCancellationRequested)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(server.Host, server.Port, ct);
            string resume = _lastId >= 0 ? string.Create(CultureInfo.InvariantCulture, $"Last-Event-ID: {_lastId}\r\n") : "";
            byte[] request = Encoding.ASCII.GetBytes(
                $"GET /{path} HTTP/1.1\r\nHost: {server.Host}:{server.Port}\r\nAccept: text/event-stream\r\n{resume}\r\n");
            await socket.SendAsync(request, SocketFlags.None, ct);

            // The head: the status line and headers, up to the blank line.
            int have = 0, bodyAt;
            while (true)
            {
                int n = await socket.ReceiveAsync(raw.AsMemory(have), SocketFlags.None, ct);
                if (n == 0) throw new IOException("the gateway closed the stream before its headers");
                have += n;
                int end = raw.AsSpan(0, have).IndexOf("\r\n\r\n"u8);
                if (end < 0)
                {
                    if (have == raw.Length) throw new InvalidDataException("response headers over 256 KiB");
                    continue;
                }
                ReadOnlySpan<byte> head = raw.AsSpan(0, end);
                if (!head.StartsWith("HTTP/1.1 200"u8))
                {
                    throw new HttpRequestException($"stream: {Encoding.ASCII.GetString(head[..Math.Max(0, head.IndexOf((byte)'\r'))])}");
                }
                if (head.IndexOf("Transfer-Encoding: chunked"u8) < 0) throw new InvalidDataException("the stream is not chunked");
                bodyAt = end + 4;
                break;
            }
            _connected.TrySetResult();

            // The body: chunks decoded from the receive buffer into the events buffer, whose complete lines are handled.
            var chunks = new ChunkDecoder();
            int pending = 0; // bytes of an unfinished line at the start of the events buffer
            int at = bodyAt;
            while (true)
            {
                while (true)
                {
                    int copied = chunks.Decode(raw.AsSpan(at, have - at), events.AsSpan(pending), out int used);
                    at += used;
                    pending += copied;
                    Interlocked.Add(ref _bytes, copied);
                    int consumed = Consume(events.AsSpan(0, pending));
                    events.AsSpan(consumed, pending - consumed).CopyTo(events);
                    pending -= consumed;
                    if (pending == events.Length) Array.Resize(ref events, events.Length * 2);
                    if (chunks.Ended || (copied == 0 && used == 0)) break;
                }
                if (chunks.Ended) break; // the gateway ended the response: resume
                // Keep an unfinished chunk size line, read more after it.
                raw.AsSpan(at, have - at).CopyTo(raw);
                have -= at;
                at = 0;
                if (have == raw.Length) throw new InvalidDataException("a chunk size line over 256 KiB");
                int n = await socket.ReceiveAsync(raw.AsMemory(have), SocketFlags.None, ct);
                if (n == 0) break; // the connection closed: resume
                have += n;
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
                lock (_counting)
                {
                    bool before = _readings < _expected;
                    _readings += _eventReadings;
                    if (before && _readings >= _expected)
                    {
                        DoneAt = System.Diagnostics.Stopwatch.GetTimestamp();
                        _done.TrySetResult();
                    }
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
            else if (type.SequenceEqual("names"u8)) NamesEvents++;
            else if (type.SequenceEqual("reset"u8)) Resets++;
        }
        else if (_reading && line.StartsWith("data: "u8))
        {
            int at = line.IndexOf(ReadingsField);
            if (at < 0) return;
            ReadOnlySpan<byte> rest = line[(at + ReadingsField.Length)..];
            _eventReadings = rest.Count((byte)'[');
            if (lag)
            {
                // A reading's time is the event's t0 plus its second element (docs/api.md, "readings").
                int t0At = line.IndexOf(T0Field);
                long t0 = t0At >= 0 && Utf8Parser.TryParse(line[(t0At + T0Field.Length)..], out long parsed, out _) ? parsed : 0;
                lock (_counting) Lags(rest, t0);
            }
        }
    }

    /// <summary>
    /// The lag of each reading of <paramref name="readings"/> (<c>[s,dt,...],[s,dt,...]]}</c>): now minus its time,
    /// <paramref name="t0"/> + dt.
    /// </summary>
    private void Lags(ReadOnlySpan<byte> readings, long t0)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        while (true)
        {
            int open = readings.IndexOf((byte)'[');
            if (open < 0) return;
            readings = readings[(open + 1)..];
            // Skip the stream index: the time is the second element.
            int comma = readings.IndexOf((byte)',');
            if (comma < 0) return;
            if (Utf8Parser.TryParse(readings[(comma + 1)..], out long dt, out _)) LagMs.Add(now - (t0 + dt));
        }
    }
}
