using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Dedupe;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>
/// Stage 1: MQTT messages -> topic and payload validation -> duplicate filter -> spool, with a group commit: the
/// messages read while the previous fsync ran (at most <see cref="SpoolOptions.CommitMaxMessages"/>) are committed with
/// one fsync and only then acknowledged. Refused messages go to the dead-letter file (fsynced in the same commit) and
/// are acknowledged too, so the broker does not redeliver them forever. When the spool is full the stage stops
/// reading, so the client's queue fills, it stops reading the socket, and the broker holds the messages. A disk that
/// fails the commit (full, I/O error) is back-pressure too: the stage keeps the messages unacknowledged, stops reading
/// and tries the commit again with a growing delay (at most <see cref="MaxRetryDelay"/>) until the disk takes them.
/// Rejection log lines are rate-limited per reason (<see cref="DeadLetterOptions.LogLines"/> per
/// <see cref="DeadLetterOptions.LogInterval"/>, then one line with the count of the others).
/// </summary>
public sealed partial class IngestStage(
    ChannelReader<MqttMessage> messages,
    IAcknowledger acknowledger,
    DiskSpool spool,
    DeadLetterFile deadLetters,
    GatewayMetrics metrics,
    SpoolOptions spoolOptions,
    bool strictContainerIds,
    DuplicateFilter duplicates,
    ILogger logger,
    TimeProvider? time = null,
    IPayloadDecoder? decoder = null,
    DeadLetterOptions? deadLetterOptions = null,
    TagRateLimiter? rateLimiter = null)
{
    /// <summary>
    /// MQTT 5 user property naming the account that published a message: <c>{fleet}/{container}/{tag}</c> for a tag
    /// (deploy/broker-config's user names). A broker that stamps it (a plugin, a rule) lets the gateway check every message
    /// against the authenticated tag; docs/security.md.
    /// </summary>
    public const string SenderProperty = "tracking-sender";

    /// <summary>Longest wait between two attempts to commit to a failing disk: how late ingest resumes once space is back.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly IPayloadDecoder _decoder = decoder ?? new MessageDecoder();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly RejectionLogLimiter _rejectionLog = new(deadLetterOptions ?? new DeadLetterOptions(), time ?? TimeProvider.System);
    // Its own limiter: the line that names a throttled tag is rate-limited too, however many tags flood at once.
    private readonly RejectionLogLimiter _throttleLog = new(deadLetterOptions ?? new DeadLetterOptions(), time ?? TimeProvider.System);
    /// <summary>
    /// A group commit smaller than this means light load: the next group is committed as soon as the channel runs empty
    /// instead of waiting up to <see cref="SpoolOptions.CommitMaxDelay"/> for company. At 1,000 msg/s that wait was a
    /// quarter of a reading's way through the gateway (bench ingest's stage timings); the messages that arrive during
    /// an fsync still share the next one. Under load the channel rarely runs empty and groups grow past this anyway.
    /// </summary>
    public const int LightLoadGroup = 16;

    private MqttMessage[] _pending = new MqttMessage[spoolOptions.CommitMaxMessages];
    private int _pendingCount;
    private byte[] _record = new byte[64 * 1024];
    private int _lastGroup;

    /// <summary>Runs until <paramref name="ct"/> is cancelled or the channel completes; commits and acknowledges what it took.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (await messages.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                long first = _time.GetTimestamp();
                bool underLoad = _lastGroup >= LightLoadGroup;
                bool waited = false;
                while (true)
                {
                    while (_pendingCount < _pending.Length && messages.TryRead(out MqttMessage message))
                    {
                        await HandleAsync(message, ct).ConfigureAwait(false);
                    }

                    TimeSpan remaining = spoolOptions.CommitMaxDelay - _time.GetElapsedTime(first);
                    if (!underLoad || _pendingCount >= _pending.Length || remaining <= TimeSpan.Zero || waited)
                    {
                        break;
                    }

                    // Under load: one timer for the rest of the group's time, then whatever the channel holds (up to the
                    // group's room), instead of waking for every burst the MQTT client writes (issue 11: a wake-up per
                    // socket read). A group that fills up during the wait is committed at its end, at most
                    // CommitMaxDelay late; the channel (IncomingQueueCapacity) holds the messages behind it meanwhile.
                    waited = true;
                    await Task.Delay(remaining, _time, ct).ConfigureAwait(false);
                }

                _lastGroup = _pendingCount;
                await CommitAsync(ct).ConfigureAwait(false);
                metrics.Stages.Record(IngestTiming.GroupCommit, _time.GetElapsedTime(first));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            // One attempt: a disk still failing must not hold up the shutdown; what stays unacknowledged is redelivered.
            await CommitAsync(CancellationToken.None, retry: false).ConfigureAwait(false);
            ReportSuppressed(all: true);
        }
    }

    /// <summary>
    /// Judges one message and spools, dead-letters or drops it. Not an async method: a message the spool takes at once
    /// (nearly all) completes synchronously without a state machine, which an async method allocates per call in a
    /// Debug build and boxes whenever it waits; only a refused append (back-pressure) goes on in <see cref="AppendBlockedAsync"/>.
    /// </summary>
    private ValueTask HandleAsync(MqttMessage message, CancellationToken ct)
    {
        metrics.OnReceived();
        long arrivalMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Verdict verdict;
        Rejection rejection;
        try
        {
            verdict = Judge(message, arrivalMs, out rejection);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The decoder is total (DecoderTotalityTests), so this is a gateway bug. Left to escape, it would stop the
            // service, the message would never be acknowledged and every restart would meet it again: dead-letter it and
            // acknowledge it like any refused message instead.
            LogStageFault(logger, message.Topic, ex);
            verdict = Verdict.Reject;
            rejection = new Rejection(RejectReason.StageFault, $"{ex.GetType().Name}: {ex.Message}");
        }

        switch (verdict)
        {
            case Verdict.Reject: Reject(message, rejection); break;
            case Verdict.Ignore: metrics.OnIgnored(); break;
            case Verdict.Duplicate: metrics.OnDuplicate(); break;
            default:
                int length = EncodeRecord(message, arrivalMs);
                if (!spool.TryAppend(_record.AsSpan(0, length))) return AppendBlockedAsync(message, length, ct);
                metrics.OnSpooled();
                break;
        }

        Handled(message);
        return ValueTask.CompletedTask;
    }

    /// <summary>The message is spooled, dead-lettered or dropped: it waits for the group's acknowledgement.</summary>
    private void Handled(in MqttMessage message)
    {
        // The spool record and any dead letter hold copies of the payload now, and the acknowledgement needs only the
        // packet id: a pooled payload's array goes back to the MQTT client for a later message
        // (MqttClientOptions.PooledPayloads, on in GatewayService).
        message.ReturnPayload();
        _pending[_pendingCount++] = message;
    }

    /// <summary>Decides what happens to a message; touches neither the spool nor the dead letters.</summary>
    private Verdict Judge(in MqttMessage message, long arrivalMs, out Rejection rejection)
    {
        if (!TrackingTopic.TryParse(message.Topic, strictContainerIds, out TrackingTopic topic, out rejection))
        {
            return Verdict.Reject;
        }

        if (topic.Kind == MessageKind.Config || (topic.Kind == MessageKind.Status && message.Retain))
        {
            // A status delivered with RETAIN=1 is the broker replaying its stored copy to a new subscription (MQTT 5
            // §3.3.1.3, we subscribe without Retain As Published): not a new observation, so it is not stored at this
            // arrival time (docs/protocol.md section 10). Live statuses arrive with RETAIN=0.
            return Verdict.Ignore;
        }

        if (SenderOf(message) is { } sender && !sender.AsSpan().SequenceEqual(topic.TagPath))
        {
            // Before the rate limit: a forged message must not spend the real tag's tokens.
            rejection = new Rejection(RejectReason.SenderMismatch, $"published by '{sender}', not by the topic's tag");
            return Verdict.Reject;
        }

        if (rateLimiter is not null && !TakeToken(rateLimiter, topic.TagPath, out bool throttleStarted))
        {
            // Before decoding: a flood costs a dictionary lookup per message, not a JSON parse.
            if (throttleStarted && _throttleLog.ShouldLog(RejectReason.RateLimited, out long unnamed))
            {
                LogTagThrottled(logger, topic.TagPath.ToString(), rateLimiter.ThrottledTags, unnamed);
            }

            rejection = new Rejection(RejectReason.RateLimited, "over the tag's rate limit (TagRateLimit)");
            return Verdict.Reject;
        }

        if (!_decoder.TryDecode(topic, message.Payload.Span, arrivalMs, out rejection))
        {
            return Verdict.Reject;
        }

        if (_decoder.Message.TagRemoved)
        {
            // protocol.md section 9: an empty retained status removes the tag; nothing to store, not an error.
            LogTagRemoved(logger, message.Topic);
            return Verdict.Ignore;
        }

        if (DedupeRefill.KeyCount(_decoder.Message) is int keys and > 0
            && duplicates.IsDuplicate(topic.TagPath, topic.Kind, _decoder.Message.Boot, _decoder.Message.Seq, keys))
        {
            return Verdict.Duplicate;
        }

        return Verdict.Store;
    }

    private bool TakeToken(TagRateLimiter limiter, ReadOnlySpan<char> tagPath, out bool throttleStarted)
    {
        bool allowed = limiter.TryTake(tagPath, out throttleStarted);
        metrics.OnRateLimit(throttleStarted, limiter.ThrottledTags);
        return allowed;
    }

    /// <summary>The <see cref="SenderProperty"/> user property of an MQTT 5 message, null when it has none.</summary>
    private static string? SenderOf(in MqttMessage message)
    {
        if (message.Properties?.UserProperties is not { } properties) return null;
        foreach (MqttUserProperty property in properties)
        {
            if (property.Name == SenderProperty) return property.Value;
        }

        return null;
    }

    /// <summary>Writes the spool record of an accepted message into <c>_record</c>; returns its length.</summary>
    private int EncodeRecord(in MqttMessage message, long arrivalMs)
    {
        // The decoded fields go into the record with the payload, so no reader of the spool parses the JSON again.
        DecodedMessage fields = _decoder.Message;
        int max = SpooledMessage.MaxSize(message.Topic, fields, message.Payload.Length);
        if (_record.Length < max) _record = new byte[Math.Max(max, _record.Length * 2)];
        return SpooledMessage.Write(_record, arrivalMs, message.Topic, fields, message.Payload.Span);
    }

    /// <summary>The spool refused the record in <c>_record</c>: waits until it takes it, then completes the message.</summary>
    private async ValueTask AppendBlockedAsync(MqttMessage message, int length, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            // Acknowledge what is already appended, then wait (not reading meanwhile): for the writer to free space when
            // full, for the disk when it could not start a new segment.
            metrics.OnBackPressure();
            await CommitAsync(ct).ConfigureAwait(false);
            if (spool.DiskError is { } reason)
            {
                if (attempt == 1) LogDiskBlocked(logger, reason);
                await Task.Delay(RetryDelay(attempt), _time, ct).ConfigureAwait(false);
            }
            else
            {
                // No disk error left: either the record does not fit, or the commit above cleared the error that kept
                // a new segment from starting (then the next TryAppend works and the spool is not full at all).
                if (spool.BlockedReason is not null) LogSpoolFull(logger, spool.DiskBytes);
                await spool.WaitForSpaceAsync(length, ct).ConfigureAwait(false);
            }

            if (spool.TryAppend(_record.AsSpan(0, length))) break;
        }

        metrics.OnSpooled();
        Handled(message);
    }

    private void Reject(in MqttMessage message, Rejection rejection)
    {
        metrics.OnRejected(rejection.Reason);
        if (_rejectionLog.ShouldLog(rejection.Reason, out long suppressed))
        {
            if (suppressed > 0) LogSuppressed(logger, suppressed, rejection.Reason.Label(), _rejectionLog.Lines, _rejectionLog.Interval);
            LogRejected(logger, message.Topic, message.Payload.Length, rejection.Reason.Label(), rejection.Detail);
        }

        deadLetters.Add(message.Topic, message.Payload.Span, rejection.Reason.Label(), rejection.Detail);
    }

    /// <summary>One line per reason whose interval ended with rejections that got no line of their own.</summary>
    private void ReportSuppressed(bool all)
    {
        while (_rejectionLog.TakeEnded(all, out RejectReason reason, out long suppressed))
        {
            LogSuppressed(logger, suppressed, reason.Label(), _rejectionLog.Lines, _rejectionLog.Interval);
        }
    }

    private async ValueTask CommitAsync(CancellationToken ct, bool retry = true)
    {
        if (_pendingCount == 0) return;
        for (int attempt = 1; ; attempt++)
        {
            // Both every time: each keeps what it could not write and writes it again.
            long started = _time.GetTimestamp();
            bool spooled = spool.Commit();
            bool lettered = deadLetters.Flush();
            metrics.Stages.Record(IngestTiming.Fsync, _time.GetElapsedTime(started));
            if (spooled && lettered) break;
            metrics.OnBackPressure();
            string reason = spooled ? "dead-letter file: " + deadLetters.Error : "spool " + spool.BlockedReason;
            if (!retry)
            {
                LogUnacknowledged(logger, _pendingCount, reason);
                return;
            }

            if (attempt == 1) LogDiskBlocked(logger, reason);
            // Not acknowledged and not reading: the messages stay with the client's queue and the broker.
            await Task.Delay(RetryDelay(attempt), _time, ct).ConfigureAwait(false);
        }

        await acknowledger.AcknowledgeAsync(_pending.AsMemory(0, _pendingCount), ct).ConfigureAwait(false);
        Array.Clear(_pending, 0, _pendingCount); // drop payload references
        _pendingCount = 0;
        // Here too, not only before the next line of a reason: a flood that stopped is still summed up.
        ReportSuppressed(all: false);
    }

    /// <summary>100 ms doubling up to <see cref="MaxRetryDelay"/>.</summary>
    private static TimeSpan RetryDelay(int attempt) =>
        attempt >= 6 ? MaxRetryDelay : TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 100 << (attempt - 1)));

    [LoggerMessage(EventId = 210, Level = LogLevel.Error, Message = "Cannot make messages durable ({Reason}): ingest paused, nothing acknowledged; retrying until the disk takes them")]
    private static partial void LogDiskBlocked(ILogger logger, string reason);

    [LoggerMessage(EventId = 211, Level = LogLevel.Warning, Message = "Stopping with {Messages} message(s) not durable ({Reason}): not acknowledged, the broker delivers them again")]
    private static partial void LogUnacknowledged(ILogger logger, int messages, string reason);

    private enum Verdict
    {
        Store,
        Reject,
        Ignore,
        Duplicate,
    }

    [LoggerMessage(EventId = 205, Level = LogLevel.Error, Message = "Handling a message on {Topic} failed; dead-lettered as stage_fault and acknowledged")]
    private static partial void LogStageFault(ILogger logger, string topic, Exception ex);

    [LoggerMessage(EventId = 204, Level = LogLevel.Debug, Message = "Tag removed (empty status) on {Topic}")]
    private static partial void LogTagRemoved(ILogger logger, string topic);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Rejected message on {Topic} ({Bytes} bytes): {Reason} ({Detail}); dead-lettered")]
    private static partial void LogRejected(ILogger logger, string topic, int bytes, string reason, string detail);

    [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "Rejected {Count} more message(s) as {Reason} without a line each (at most {Lines} per reason per {Interval}); all are counted and dead-lettered")]
    private static partial void LogSuppressed(ILogger logger, long count, string reason, int lines, TimeSpan interval);

    [LoggerMessage(EventId = 207, Level = LogLevel.Warning, Message = "Tag {Tag} is over its rate limit: its excess messages are dead-lettered as rate_limited ({Throttled} tag(s) throttled now; {Unnamed} more throttled tag(s) not named in the last interval)")]
    private static partial void LogTagThrottled(ILogger logger, string tag, int throttled, long unnamed);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Spool full ({Bytes} bytes): pausing ingest until InfluxDB catches up")]
    private static partial void LogSpoolFull(ILogger logger, long bytes);
}
