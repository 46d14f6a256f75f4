using System.Net;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Tests.Support;
using Tracking.Influx.Writing;

namespace Tracking.Influx.Tests.Writing;

public class InfluxWriterRetryTests
{
    private static InfluxOptions Options(Action<InfluxRetryOptions>? retry = null)
    {
        var options = new InfluxOptions { Database = "db", Compression = InfluxCompression.None };
        options.Retry.InitialDelay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        retry?.Invoke(options.Retry);
        return options;
    }

    private static LineProtocolBuffer Lines(InfluxWriter writer, int count)
    {
        LineProtocolBuffer buffer = writer.CreateBuffer();
        for (int i = 0; i < count; i++)
        {
            buffer.BeginLine("m", itemId: 1000 + i).Tag("id", $"c{i}").FloatField("v", i).End(i);
        }

        return buffer;
    }

    private static Func<RecordedRequest, CannedResponse> Script(params CannedResponse[] responses)
    {
        int next = 0;
        return _ => responses[Math.Min(Interlocked.Increment(ref next) - 1, responses.Length - 1)];
    }

    [Fact]
    public async Task Status_429_waits_the_seconds_in_Retry_After_then_writes()
    {
        var handler = new FakeHttpHandler(Script(
            new CannedResponse(429, """{"error":"slow down"}""", new Dictionary<string, string> { ["Retry-After"] = "7" }),
            CannedResponse.NoContent));
        var clock = new InstantTimeProvider();
        using var writer = new InfluxWriter(Options(), handler.CreateClient(), timeProvider: clock);
        using LineProtocolBuffer lines = Lines(writer, 3);

        WriteResult result = await writer.WriteAsync(lines);

        Assert.Equal(3, result.WrittenCount);
        Assert.True(result.IsSettled);
        Assert.Equal([TimeSpan.FromSeconds(7)], clock.Delays);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(3, r.Lines.Count));
        Assert.Equal(1, writer.Metrics.Retries);
        Assert.Equal(1, writer.Metrics.FailedRequests);
        Assert.Equal(2, writer.Metrics.Requests);
        Assert.Equal(3, writer.Metrics.LinesWritten);
        Assert.NotNull(writer.Metrics.LastLatency);
    }

    [Fact]
    public async Task Retry_After_as_http_date_is_relative_to_the_clock_and_capped()
    {
        var clock = new InstantTimeProvider();
        var handler = new FakeHttpHandler(Script(
            new CannedResponse(503, null, new Dictionary<string, string> { ["Retry-After"] = clock.Now.AddSeconds(42).ToString("R") }),
            new CannedResponse(503, null, new Dictionary<string, string> { ["Retry-After"] = "86400" }),
            CannedResponse.NoContent));
        using var writer = new InfluxWriter(Options(r => r.MaxRetryAfter = TimeSpan.FromMinutes(2)), handler.CreateClient(), timeProvider: clock);
        using LineProtocolBuffer lines = Lines(writer, 1);

        WriteResult result = await writer.WriteAsync(lines);

        Assert.Equal(1, result.WrittenCount);
        Assert.Equal([TimeSpan.FromSeconds(42), TimeSpan.FromMinutes(2)], clock.Delays);
    }

    [Fact]
    public async Task Server_errors_back_off_exponentially_with_jitter()
    {
        var handler = new FakeHttpHandler(Script(
            new CannedResponse(503), new CannedResponse(500), new CannedResponse(502), new CannedResponse(503), CannedResponse.NoContent));
        var clock = new InstantTimeProvider();
        using var writer = new InfluxWriter(Options(r => r.MaxDelay = TimeSpan.FromMilliseconds(300)), handler.CreateClient(), timeProvider: clock);
        using LineProtocolBuffer lines = Lines(writer, 2);

        WriteResult result = await writer.WriteAsync(lines);

        Assert.Equal(2, result.WrittenCount);
        TimeSpan[] delays = clock.Delays.ToArray();
        Assert.Equal(4, delays.Length);
        double[] ceilings = [100, 200, 300, 300];
        for (int i = 0; i < delays.Length; i++)
        {
            Assert.InRange(delays[i].TotalMilliseconds, ceilings[i] / 2, ceilings[i]);
        }
    }

    [Fact]
    public async Task The_delays_are_those_of_the_shared_backoff()
    {
        var handler = new FakeHttpHandler(Script(
            new CannedResponse(503), new CannedResponse(503), new CannedResponse(503), new CannedResponse(503), CannedResponse.NoContent));
        var clock = new InstantTimeProvider();
        InfluxOptions options = Options(r => r.MaxDelay = TimeSpan.FromMilliseconds(300));
        using var writer = new InfluxWriter(options, handler.CreateClient(), null, null, clock, new Random(5));
        using LineProtocolBuffer lines = Lines(writer, 1);

        await writer.WriteAsync(lines);

        var expected = new Tracking.Retry.Backoff(options.Retry.InitialDelay, options.Retry.MaxDelay, new Random(5));
        // Task.Delay hands the timer whole milliseconds.
        Assert.Equal(Enumerable.Range(1, 4).Select(n => TimeSpan.FromMilliseconds(Math.Floor(expected.Delay(n).TotalMilliseconds))), clock.Delays);
    }

    [Fact]
    public async Task Network_errors_are_retried()
    {
        int calls = 0;
        var handler = new FakeHttpHandler(_ => Interlocked.Increment(ref calls) switch
        {
            1 => throw new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException(111)),
            2 => throw new IOException("connection reset"),
            _ => CannedResponse.NoContent,
        });
        var clock = new InstantTimeProvider();
        using var writer = new InfluxWriter(Options(), handler.CreateClient(), timeProvider: clock);
        using LineProtocolBuffer lines = Lines(writer, 5);

        WriteResult result = await writer.WriteAsync(lines);

        Assert.Equal(5, result.WrittenCount);
        Assert.Equal(3, calls);
        Assert.Equal(2, writer.Metrics.Retries);
    }

    [Fact]
    public async Task After_a_refused_connection_a_long_wait_ends_at_the_first_ping_the_server_answers()
    {
        // The server is down (writes and pings alike: connection refused) until its 10th ping, which it answers. Backoff
        // from 1 s up to 10 s, probing every second: every wait longer than a second is cut into 1 s steps with a ping
        // after each, and the first ping that is answered sends the write at once.
        int pings = 0;
        bool up = false;
        var handler = new FakeHttpHandler(r =>
        {
            if (r.Uri.AbsolutePath == "/ping" && Interlocked.Increment(ref pings) == 10) Volatile.Write(ref up, true);
            return !Volatile.Read(ref up)
                ? throw new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException(111))
                : r.Uri.AbsolutePath == "/ping" ? new CannedResponse(204) : CannedResponse.NoContent;
        });
        var clock = new InstantTimeProvider();
        InfluxOptions options = Options(r => (r.InitialDelay, r.MaxDelay) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)));
        using var writer = new InfluxWriter(options, handler.CreateClient(), null, null, clock, new Random(3));
        using LineProtocolBuffer lines = Lines(writer, 2);

        WriteResult result = await writer.WriteAsync(lines);

        Assert.Equal(2, result.WrittenCount);
        RecordedRequest[] sent = [.. handler.Requests];
        Assert.Equal(["/ping", "/write"], sent[^2..].Select(r => r.Path));
        Assert.Contains(sent[..^2], r => r.Path == "/ping");
        Assert.All(clock.Delays, d => Assert.True(d <= TimeSpan.FromSeconds(1), $"a wait of {d}"));
        Assert.Equal(1, writer.Metrics.ProbesAnswered);
        // without the probe the same refusals cost the whole of the last backoff, of which the probed run waited a part
        int writesRefused = sent.Count(r => r.Path == "/write") - 1;
        var unprobedClock = new InstantTimeProvider();
        int unprobedRequests = 0;
        var unprobed = new FakeHttpHandler(_ => Interlocked.Increment(ref unprobedRequests) <= writesRefused
            ? throw new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException(111))
            : CannedResponse.NoContent);
        options.Retry.ProbeInterval = TimeSpan.Zero;
        using var slow = new InfluxWriter(options, unprobed.CreateClient(), null, null, unprobedClock, new Random(3));
        using LineProtocolBuffer again = Lines(slow, 2);
        await slow.WriteAsync(again);
        TimeSpan probedWait = clock.Delays.Aggregate(TimeSpan.Zero, (a, d) => a + d);
        TimeSpan wholeWait = unprobedClock.Delays.Aggregate(TimeSpan.Zero, (a, d) => a + d);
        Assert.True(wholeWait - probedWait >= TimeSpan.FromSeconds(1), $"probed {probedWait}, whole {wholeWait}");
    }

    [Fact]
    public async Task A_server_that_answers_with_an_error_is_not_probed_and_its_wait_is_whole()
    {
        int calls = 0;
        var handler = new FakeHttpHandler(r => r.Uri.AbsolutePath == "/ping"
            ? new CannedResponse(204)
            : Interlocked.Increment(ref calls) <= 5 ? new CannedResponse(503) : CannedResponse.NoContent);
        var clock = new InstantTimeProvider();
        InfluxOptions options = Options(r => (r.InitialDelay, r.MaxDelay) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)));
        using var writer = new InfluxWriter(options, handler.CreateClient(), timeProvider: clock);
        using LineProtocolBuffer lines = Lines(writer, 1);

        await writer.WriteAsync(lines);

        Assert.DoesNotContain(handler.Requests, r => r.Uri.AbsolutePath == "/ping");
        Assert.Equal(5, clock.Delays.Count);
        Assert.Contains(clock.Delays, d => d > TimeSpan.FromSeconds(1));
        Assert.Equal(0, writer.Metrics.ProbesAnswered);
    }

    [Fact]
    public async Task Probing_off_waits_the_whole_backoff_after_a_refused_connection()
    {
        int calls = 0;
        var handler = new FakeHttpHandler(r => r.Uri.AbsolutePath == "/ping"
            ? new CannedResponse(204)
            : Interlocked.Increment(ref calls) <= 5
                ? throw new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException(111))
                : CannedResponse.NoContent);
        var clock = new InstantTimeProvider();
        using var writer = new InfluxWriter(Options(r => r.ProbeInterval = TimeSpan.Zero), handler.CreateClient(), timeProvider: clock);
        using LineProtocolBuffer lines = Lines(writer, 1);

        await writer.WriteAsync(lines);

        Assert.DoesNotContain(handler.Requests, r => r.Uri.AbsolutePath == "/ping");
        Assert.Equal(5, clock.Delays.Count);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(301)]
    public void A_probe_interval_out_of_range_is_refused_with_its_name(int seconds)
    {
        var options = new InfluxRetryOptions { ProbeInterval = TimeSpan.FromSeconds(seconds) };
        ArgumentException ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("ProbeInterval", ex.Message);
    }

    [Fact]
    public async Task A_request_that_exceeds_the_timeout_is_retried()
    {
        int calls = 0;
        var handler = new FakeHttpHandler(async (_, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return CannedResponse.NoContent;
        });
        InfluxOptions options = Options();
        options.RequestTimeout = TimeSpan.FromMilliseconds(200);
        using var writer = new InfluxWriter(options, handler.CreateClient(), timeProvider: new InstantTimeProvider());
        using LineProtocolBuffer lines = Lines(writer, 1);

        WriteResult result = await writer.WriteAsync(lines);

        Assert.Equal(1, result.WrittenCount);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task When_attempts_run_out_lines_are_failed_not_dropped_or_rejected()
    {
        var handler = new FakeHttpHandler(_ => new CannedResponse(503, """{"error":"engine overloaded"}"""));
        var sink = new RecordingDeadLetterSink();
        using var writer = new InfluxWriter(Options(r => r.MaxAttempts = 3), handler.CreateClient(), sink, timeProvider: new InstantTimeProvider());
        using LineProtocolBuffer lines = Lines(writer, 4);

        WriteResult result = await writer.WriteAsync(lines);

        Assert.False(result.IsSettled);
        Assert.Equal(4, result.FailedCount);
        Assert.All(result.Lines, l => Assert.Contains("engine overloaded", l.Error));
        Assert.Equal([1000L, 1001, 1002, 1003], result.Failed.Select(l => l.ItemId));
        Assert.Equal(3, handler.Requests.Count);
        Assert.Empty(sink.Letters);
        Assert.Equal(4, writer.Metrics.LinesFailed);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    public async Task Configuration_errors_are_retried_not_dead_lettered(int status)
    {
        var handler = new FakeHttpHandler(Script(new CannedResponse(status, """{"error":"database not found: \"db\""}"""), CannedResponse.NoContent));
        var sink = new RecordingDeadLetterSink();
        using var writer = new InfluxWriter(Options(), handler.CreateClient(), sink, timeProvider: new InstantTimeProvider());
        using LineProtocolBuffer lines = Lines(writer, 2);

        WriteResult result = await writer.WriteAsync(lines);

        Assert.Equal(2, result.WrittenCount);
        Assert.Empty(sink.Letters);
    }

    [Fact]
    public async Task Cancellation_stops_retrying()
    {
        using var cts = new CancellationTokenSource();
        var clock = new InstantTimeProvider { OnDelay = _ => cts.Cancel() };
        var handler = new FakeHttpHandler(_ => new CannedResponse(503));
        using var writer = new InfluxWriter(Options(), handler.CreateClient(), timeProvider: clock);
        using LineProtocolBuffer lines = Lines(writer, 1);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteAsync(lines, cts.Token));
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Empty_buffer_sends_nothing_and_precision_must_match()
    {
        var handler = new FakeHttpHandler(_ => CannedResponse.NoContent);
        using var writer = new InfluxWriter(Options(), handler.CreateClient());
        using var empty = writer.CreateBuffer();
        Assert.Empty((await writer.WriteAsync(empty)).Lines);
        Assert.Empty(handler.Requests);

        using var seconds = new LineProtocolBuffer(WritePrecision.Seconds);
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(seconds));
    }

    [Fact]
    public void Backoff_doubles_up_to_the_ceiling()
    {
        var policy = new RetryPolicy(new InfluxRetryOptions { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(8) }, new Random(1));
        for (int round = 0; round < 200; round++)
        {
            Assert.InRange(policy.Backoff(1).TotalSeconds, 0.5, 1);
            Assert.InRange(policy.Backoff(2).TotalSeconds, 1, 2);
            Assert.InRange(policy.Backoff(4).TotalSeconds, 4, 8);
            Assert.InRange(policy.Backoff(1000).TotalSeconds, 4, 8);
        }

        Assert.NotEqual(policy.Backoff(3), policy.Backoff(3)); // jittered (equal only with probability ~0)
    }

    [Fact]
    public void Retry_after_in_the_past_means_now()
    {
        var policy = new RetryPolicy(new InfluxRetryOptions());
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(TimeSpan.Zero, policy.RetryAfter(new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddMinutes(-1)), now));
        Assert.Null(policy.RetryAfter(null, now));
        Assert.True(RetryPolicy.IsLineError(HttpStatusCode.UnprocessableEntity));
        Assert.False(RetryPolicy.IsLineError(HttpStatusCode.TooManyRequests));
    }
}
