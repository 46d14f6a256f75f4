using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Influx.LineProtocol;

namespace Tracking.Influx.Writing;

/// <summary>
/// Writes a buffer of lines to InfluxDB and reports, per line, whether it is durably written, rejected
/// (handed to the dead-letter sink with the server's message) or failed after the configured retries.
/// Network errors, timeouts, 429, 5xx and other non-line errors are retried with jittered exponential
/// backoff honouring <c>Retry-After</c>. A 400/413/422 is about the lines: the batch is split in halves until
/// the refused lines stand alone, so good lines are always written (rewriting a line InfluxDB already took from a
/// partial write is idempotent: same series and timestamp). Thread-safe; concurrent writes are independent.
/// </summary>
public sealed partial class InfluxWriter : IDisposable
{
    private static readonly MediaTypeHeaderValue TextPlain = MediaTypeHeaderValue.Parse("text/plain; charset=utf-8");

    private readonly InfluxEndpoint _endpoint;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly IDeadLetterSink? _deadLetters;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RetryPolicy _retry;
    private readonly bool _gzip;

    /// <param name="httpClient">Client to send with (e.g. from IHttpClientFactory); its BaseAddress and Timeout are
    /// not used. When null the writer creates and owns one.</param>
    /// <param name="deadLetters">Receives refused lines before <see cref="WriteAsync"/> completes; without one the
    /// caller must keep <see cref="LineWriteStatus.Rejected"/> lines itself.</param>
    /// <param name="timeProvider">Clock for retry delays and <c>Retry-After</c> dates.</param>
    public InfluxWriter(
        InfluxOptions options,
        HttpClient? httpClient = null,
        IDeadLetterSink? deadLetters = null,
        ILogger<InfluxWriter>? logger = null,
        TimeProvider? timeProvider = null)
        : this(options, httpClient, deadLetters, logger, timeProvider, random: null)
    {
    }

    /// <param name="random">Seeds the backoff's jitter (tests: a repeatable sequence of delays).</param>
    internal InfluxWriter(InfluxOptions options, HttpClient? httpClient, IDeadLetterSink? deadLetters, ILogger<InfluxWriter>? logger,
        TimeProvider? timeProvider, Random? random)
    {
        ArgumentNullException.ThrowIfNull(options);
        _endpoint = new InfluxEndpoint(options);
        Options = options;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? CreateHttpClient();
        _deadLetters = deadLetters;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _retry = new RetryPolicy(options.Retry, random);
        _gzip = options.UsesGzip;
    }

    public InfluxOptions Options { get; }

    public InfluxWriterMetrics Metrics { get; } = new();

    /// <summary>The URL lines are posted to (credentials, if any, included for the 1.x query-string mode).</summary>
    public Uri WriteUri => _endpoint.WriteUri;

    /// <summary>A buffer whose precision matches this writer's configuration.</summary>
    public LineProtocolBuffer CreateBuffer(int initialCapacity = 64 * 1024) => new(Options.Precision, initialCapacity);

    /// <summary>
    /// Writes every line of <paramref name="lines"/>. Completes when each line is settled (written or rejected and
    /// dead-lettered) or, with <see cref="InfluxRetryOptions.MaxAttempts"/>, failed. Throws
    /// <see cref="OperationCanceledException"/> on cancellation and whatever the dead-letter sink throws; in both
    /// cases nothing may be acknowledged. The buffer must not change until the task completes.
    /// </summary>
    public async Task<WriteResult> WriteAsync(LineProtocolBuffer lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Precision != Options.Precision)
        {
            throw new ArgumentException($"The buffer's precision {lines.Precision} differs from the configured {Options.Precision}.", nameof(lines));
        }

        var call = new WriteCall(lines);
        if (lines.LineCount > 0)
        {
            await WriteRangeAsync(call, 0, lines.LineCount, cancellationToken).ConfigureAwait(false);
        }

        if (call.DeadLetters.Count > 0)
        {
            foreach (DeadLetter letter in call.DeadLetters)
            {
                LogRejected(letter.ItemId, letter.StatusCode, letter.Error, letter.Line);
            }

            if (_deadLetters is not null)
            {
                await _deadLetters.WriteAsync(call.DeadLetters, cancellationToken).ConfigureAwait(false);
            }
        }

        WriteResult result = call.Result();
        Metrics.Settled(result);
        return result;
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task WriteRangeAsync(WriteCall call, int start, int count, CancellationToken cancellationToken)
    {
        if (call.GaveUpReason is not null)
        {
            call.Mark(start, count, LineWriteStatus.Failed, call.GaveUpReason);
            return;
        }

        SendResult sent = await SendWithRetryAsync(call.Lines.GetLines(start, count), cancellationToken).ConfigureAwait(false);
        switch (sent.Kind)
        {
            case SendKind.Written:
                call.Mark(start, count, LineWriteStatus.Written, null);
                break;
            case SendKind.GaveUp:
                call.GaveUpReason = sent.Message;
                call.Mark(start, count, LineWriteStatus.Failed, sent.Message);
                break;
            case SendKind.LineError when count == 1:
                call.Reject(start, sent.StatusCode, sent.Message!, _time.GetUtcNow());
                break;
            case SendKind.LineError:
                // Halving reaches single lines after ceil(log2(count)) levels, so the recursion depth is bounded
                // by 31 and at most 2*count-1 requests are made even if every line is bad.
                LogSplitting(count, sent.StatusCode, sent.Message);
                int half = count / 2;
                await WriteRangeAsync(call, start, half, cancellationToken).ConfigureAwait(false);
                await WriteRangeAsync(call, start + half, count - half, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task<SendResult> SendWithRetryAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> payload = body;
        bool gzip = _gzip && body.Length >= Options.GzipMinimumBytes;
        if (gzip)
        {
            payload = Compress(body.Span);
        }

        for (int attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (SendResult result, TimeSpan? retryAfter) = await SendOnceAsync(payload, gzip, cancellationToken).ConfigureAwait(false);
            if (result.Kind != SendKind.Retry)
            {
                return result;
            }

            if (!_retry.CanRetry(attempt))
            {
                LogGaveUp(attempt, result.Message);
                return new SendResult(SendKind.GaveUp, result.StatusCode, $"gave up after {attempt} attempts: {result.Message}");
            }

            TimeSpan delay = retryAfter ?? _retry.Backoff(attempt);
            Metrics.Retried();
            LogRetrying(attempt, delay.TotalMilliseconds, result.Message);
            TimeSpan probe = Options.Retry.ProbeInterval;
            if (result.Unreachable && probe > TimeSpan.Zero && delay > probe)
            {
                await WaitUntilAnsweringAsync(delay, probe, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Waits out <paramref name="delay"/>, but asks <c>/ping</c> every <paramref name="probe"/> and returns as soon as the
    /// server answers at all, so a write goes again within a probe of the server's return rather than at the end of a
    /// backoff that grew during the outage. Only after connection failures: a ping is a connect attempt, no load on a
    /// server that is down, and one a second is nothing for one that is up.
    /// </summary>
    private async Task WaitUntilAnsweringAsync(TimeSpan delay, TimeSpan probe, CancellationToken cancellationToken)
    {
        // Time waited is summed from the steps asked for (and the pings' own time), not read from a clock, so a test clock
        // whose timers fire at once sees the same schedule as a real one.
        TimeSpan waited = TimeSpan.Zero;
        while (waited < delay)
        {
            TimeSpan step = delay - waited < probe ? delay - waited : probe;
            await Task.Delay(step, _time, cancellationToken).ConfigureAwait(false);
            waited += step;
            if (waited >= delay)
            {
                return;
            }

            long pinged = _time.GetTimestamp();
            bool answered = await AnswersPingAsync(probe, cancellationToken).ConfigureAwait(false);
            waited += _time.GetElapsedTime(pinged);
            if (answered)
            {
                Metrics.ProbeAnswered();
                LogAnswering(waited.TotalMilliseconds);
                return;
            }
        }
    }

    /// <summary>True when anything answers <c>/ping</c> within <paramref name="limit"/> (204, 401, even 503: a server
    /// is listening, and the write itself says what it thinks of it).</summary>
    private async Task<bool> AnswersPingAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _endpoint.PingUri);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            using HttpResponseMessage response = await _http
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private async Task<(SendResult Result, TimeSpan? RetryAfter)> SendOnceAsync(ReadOnlyMemory<byte> payload, bool gzip, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint.WriteUri);
        _endpoint.Authorize(request);
        request.Content = new ReadOnlyMemoryContent(payload);
        request.Content.Headers.ContentType = TextPlain;
        if (gzip)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.RequestTimeout);
        Metrics.RequestSent(payload.Length);
        long started = Stopwatch.GetTimestamp();
        try
        {
            using HttpResponseMessage response = await _http
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                Metrics.ResponseReceived(Stopwatch.GetElapsedTime(started));
                return (new SendResult(SendKind.Written, status, null), null);
            }

            string body = await ServerErrorMessage.ReadBodyAsync(response.Content, timeout.Token).ConfigureAwait(false);
            Metrics.ResponseReceived(Stopwatch.GetElapsedTime(started));
            Metrics.RequestFailed();
            string message = ServerErrorMessage.From(status, response.ReasonPhrase, response.Headers, body);
            if (RetryPolicy.IsLineError(response.StatusCode))
            {
                return (new SendResult(SendKind.LineError, status, message), null);
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
            {
                // Configuration errors (credentials, missing database/bucket): nothing is lost by waiting for an operator.
                LogConfigurationError(status, message);
            }

            return (new SendResult(SendKind.Retry, status, $"HTTP {status}: {message}"), _retry.RetryAfter(response.Headers.RetryAfter, _time.GetUtcNow()));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Metrics.RequestFailed();
            return (new SendResult(SendKind.Retry, 0, $"no response within {Options.RequestTimeout.TotalSeconds:0.###} s"), null);
        }
        catch (HttpRequestException ex)
        {
            Metrics.RequestFailed();
            return (new SendResult(SendKind.Retry, 0, $"network error: {ex.Message}", Unreachable: true), null);
        }
        catch (IOException ex)
        {
            Metrics.RequestFailed();
            return (new SendResult(SendKind.Retry, 0, $"network error: {ex.Message}", Unreachable: true), null);
        }
    }

    private static byte[] Compress(ReadOnlySpan<byte> body)
    {
        var output = new MemoryStream(body.Length / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return output.ToArray();
    }

    private static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = DecompressionMethods.All,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "InfluxDB write attempt {Attempt} failed, retrying in {DelayMs:0} ms: {Reason}")]
    private partial void LogRetrying(int attempt, double delayMs, string? reason);

    [LoggerMessage(EventId = 706, Level = LogLevel.Information, Message = "InfluxDB answers again after {WaitedMs:0} ms of a retry wait; writing now")]
    private partial void LogAnswering(double waitedMs);

    [LoggerMessage(EventId = 702, Level = LogLevel.Error, Message = "InfluxDB write gave up after {Attempts} attempts: {Reason}")]
    private partial void LogGaveUp(int attempts, string? reason);

    [LoggerMessage(EventId = 703, Level = LogLevel.Debug, Message = "InfluxDB refused a request of {Count} lines (HTTP {Status}: {Reason}); splitting it to isolate the bad lines")]
    private partial void LogSplitting(int count, int status, string? reason);

    [LoggerMessage(EventId = 704, Level = LogLevel.Warning, Message = "InfluxDB rejected item {ItemId} (HTTP {Status}: {Reason}); dead-lettered line: {Line}")]
    private partial void LogRejected(long itemId, int status, string reason, string line);

    [LoggerMessage(EventId = 705, Level = LogLevel.Error, Message = "InfluxDB refused the write with HTTP {Status} ({Reason}); check credentials, database/bucket and URL. Retrying.")]
    private partial void LogConfigurationError(int status, string reason);

    private enum SendKind
    {
        Written,
        LineError,
        Retry,
        GaveUp,
    }

    /// <param name="Unreachable">No HTTP answer at all (connection refused, reset, name not found): the server or the
    /// way to it is down, so waiting can be cut short by a ping (<see cref="WaitUntilAnsweringAsync"/>).</param>
    private readonly record struct SendResult(SendKind Kind, int StatusCode, string? Message, bool Unreachable = false);

    /// <summary>State of one <see cref="WriteAsync"/> call.</summary>
    private sealed class WriteCall(LineProtocolBuffer lines)
    {
        // Made at the first line that is not written: until then every line marked is written, and a write that stays so
        // (nearly all) needs no outcome per line (WriteResult.Written). Each line is marked once, so the lines that array
        // starts with as written and are not marked yet get their own outcome later.
        private LineOutcome[]? _outcomes;

        public LineProtocolBuffer Lines { get; } = lines;

        public List<DeadLetter> DeadLetters { get; } = [];

        public string? GaveUpReason { get; set; }

        public void Mark(int start, int count, LineWriteStatus status, string? error)
        {
            if (_outcomes is null)
            {
                if (status == LineWriteStatus.Written) return;
                _outcomes = new LineOutcome[Lines.LineCount];
                for (int i = 0; i < _outcomes.Length; i++) _outcomes[i] = new LineOutcome(i, Lines.GetItemId(i), LineWriteStatus.Written, null);
            }

            for (int i = start; i < start + count; i++)
            {
                _outcomes[i] = new LineOutcome(i, Lines.GetItemId(i), status, error);
            }
        }

        public void Reject(int index, int statusCode, string error, DateTimeOffset now)
        {
            Mark(index, 1, LineWriteStatus.Rejected, error);
            DeadLetters.Add(new DeadLetter(Lines.GetItemId(index), Encoding.UTF8.GetString(Lines.GetLine(index)), statusCode, error, now));
        }

        /// <summary>The call's result once every line is marked; copies the item ids the result needs (the buffer is reused).</summary>
        public WriteResult Result()
        {
            if (_outcomes is not null) return new WriteResult(_outcomes);
            int count = Lines.LineCount;
            long first = count == 0 ? 0 : Lines.GetItemId(0);
            int consecutive = 1;
            while (consecutive < count && Lines.GetItemId(consecutive) == first + consecutive) consecutive++;
            if (consecutive >= count) return WriteResult.Written(first, count);
            var ids = new long[count];
            for (int i = 0; i < count; i++) ids[i] = Lines.GetItemId(i);
            return WriteResult.Written(ids);
        }
    }
}
