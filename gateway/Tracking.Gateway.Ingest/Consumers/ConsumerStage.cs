using Microsoft.Extensions.Logging;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Retry;

namespace Tracking.Gateway.Ingest.Consumers;

/// <summary>
/// Feeds one <see cref="ISpoolConsumer"/> from its own spool reader: reads committed records as they arrive, turns each
/// into a <see cref="TagMessage"/> (from the record's decoded fields), hands them over in batches of at most
/// <see cref="MaxBatch"/> and confirms them once the consumer returned (within <see cref="ConfirmInterval"/>, one
/// checkpoint for all), or, for a consumer with a <see cref="ISpoolConsumer.SaveInterval"/>, once its next save returned. A consumer that throws gets the same batch again
/// after a growing delay; records that no longer decode are skipped here (the writer dead-letters them). A consumer
/// with a <see cref="ISpoolConsumer.CollectDelay"/> is read for at most once per delay while the stage keeps up.
/// </summary>
/// <remarks>
/// Stages given the same <see cref="DecodedBatchRing"/> decode each record once between them: a stage takes the records
/// at its position from the ring when another stage decoded them already, and reads and decodes them itself otherwise
/// (then puts them in the ring). Its own reader position and checkpoint move the same either way.
/// With <paramref name="metrics"/>, the CPU time of the consumer's hand-overs and saves that return on the thread that
/// called them is charged to the consumer (<see cref="GatewayMetrics.ConsumerCpu"/>): what a consumer itself costs, apart
/// from the rest of the gateway (issue 12: the rules' share of the gateway's CPU, which a run without them measures only
/// within the machine's noise). The thread's CPU clock is a system call (about 1.7 us on the 2-core VM, against a few
/// hundred hand-overs a second of a consumer without a collect delay), so of the hand-overs of fewer than
/// <see cref="TimedFrom"/> messages one in <see cref="CpuSampleEvery"/> is timed and counted that many times; every
/// bigger hand-over is timed (the clock's cost is then a few ns per message), and so is every save.
/// </remarks>
public sealed partial class ConsumerStage(DiskSpool spool, ISpoolConsumer consumer, bool strictContainerIds, ILogger logger, TimeProvider? time = null,
    DecodedBatchRing? ring = null, GatewayMetrics? metrics = null)
{
    /// <summary>The most messages a hand-over holds unless the consumer asks otherwise (<see cref="ISpoolConsumer.MaxBatch"/>).</summary>
    public const int MaxBatch = 256;

    /// <summary>The most a consumer may ask for (<see cref="ISpoolConsumer.MaxBatch"/>).</summary>
    public const int MaxBatchLimit = 65_536;

    // This consumer's: its own if it names one within 1..MaxBatchLimit.
    private readonly int _maxBatch = Math.Clamp(consumer.MaxBatch, 1, MaxBatchLimit);

    /// <summary>
    /// One hand-over in this many of those smaller than <see cref="TimedFrom"/> is timed for
    /// <see cref="GatewayMetrics.ConsumerCpu"/> (and counted this many times).
    /// </summary>
    internal int CpuSampleEvery { get; init; } = 8;

    /// <summary>
    /// Hand-overs of at least this many messages are all timed, each counted once. Issue 12: sampled, the rules' figure in
    /// bench ingest depended on where in a collect delay's cycle (a few hand-overs of <see cref="MaxBatch"/> messages and
    /// a smaller last one) the one in eight fell.
    /// </summary>
    internal int TimedFrom { get; init; } = 128;

    private int _smallHandOvers;

    /// <summary>
    /// A consumer without a <see cref="ISpoolConsumer.SaveInterval"/> has what it returned from confirmed at most this long
    /// after it returned: each confirmation writes and fsyncs the reader's checkpoint, and one per batch (a few ms apart
    /// under load) was 8 % of the gateway's CPU with the live view on (bench ingest, perf). A crash replays at most this
    /// much more to such a consumer, which delivery at least once allows.
    /// </summary>
    public static readonly TimeSpan ConfirmInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait before handing a failed batch to the consumer again.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Backoff _backoff = new(TimeSpan.FromMilliseconds(100), MaxRetryDelay);
    private readonly SpoolRecordDecoder _decoder = new(strictContainerIds);
    private readonly List<TagMessage> _batch = new(MaxBatch);
    // The records read from the spool in this round, for the ring: the position after each and its message (or null).
    private readonly List<SpoolPosition> _ends = new(MaxBatch);
    private readonly List<TagMessage?> _recordMessages = new(MaxBatch);
    // Fleet, container and tag strings per topic (the decoder hands the same topic string for the same topic), so a
    // message costs no strings of its own.
    private readonly Dictionary<string, TopicIds> _ids = new(StringComparer.Ordinal);
    private const int MaxCachedTopics = 16_384;

    private sealed record TopicIds(string Fleet, string Container, string Tag);

    /// <summary>Messages handed to the consumer and confirmed.</summary>
    public long Consumed { get; private set; }

    /// <summary>Records this stage read from the spool and decoded itself.</summary>
    public long DecodedRecords { get; private set; }

    /// <summary>Records this stage took from the <see cref="DecodedBatchRing"/>, decoded by another stage.</summary>
    public long SharedRecords { get; private set; }

    /// <summary>
    /// Runs until cancelled; what the consumer has not returned from (or, with a <see cref="ISpoolConsumer.SaveInterval"/>,
    /// not saved) stays unconfirmed for the next start.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using SpoolReader reader = spool.CreateReader(consumer.Name);
        bool saves = consumer.SaveInterval > TimeSpan.Zero;
        TimeSpan interval = saves ? consumer.SaveInterval : ConfirmInterval;
        // Returned from but not yet saved (or, without saves, not yet confirmed): confirmed by the next save, which is due
        // `interval` after the first of them.
        long unsavedRecords = 0;
        long unsavedMessages = 0;
        SpoolPosition unsavedEnd = default;
        long firstUnsaved = 0;
        TimeSpan collect = consumer.CollectDelay;
        bool caughtUp = false;
        var waits = new PeriodWaits();
        while (true)
        {
            if (caughtUp)
            {
                // Let records collect (ISpoolConsumer.CollectDelay), but not past a save that falls due meanwhile.
                caughtUp = false;
                TimeSpan delay = unsavedRecords > 0 ? Min(collect, interval - _time.GetElapsedTime(firstUnsaved)) : collect;
                if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }

            if (unsavedRecords > 0)
            {
                TimeSpan left = interval - _time.GetElapsedTime(firstUnsaved);
                if (left <= TimeSpan.Zero || !await DataBeforeDeadlineAsync(reader, waits, left, ct).ConfigureAwait(false))
                {
                    if (saves) await SaveAsync(unsavedMessages, ct).ConfigureAwait(false);
                    reader.Confirm(unsavedEnd, unsavedRecords);
                    Consumed += unsavedMessages;
                    unsavedRecords = 0;
                    unsavedMessages = 0;
                    waits.Due = null;
                    continue;
                }
            }
            else
            {
                Task waiting = waits.Data ?? reader.WaitAsync(ct);
                waits.Data = null;
                await waiting.ConfigureAwait(false);
            }

            int records;
            if (ring is not null && ring.TryFind(reader.Position, out DecodedBatch shared, out int first))
            {
                records = TakeShared(reader, shared, first, _maxBatch);
                // The ring's batches are one group commit's records each (a few dozen under load): the batches after it
                // are taken too, up to the consumer's MaxBatch records, as the stage's own read takes them. Issue 12: the
                // rules, which let records collect, handed over the ring's batches one by one and paid their per-batch
                // work for each.
                while (records < _maxBatch && ring.TryFind(reader.Position, out shared, out first) && records + shared.Count - first <= _maxBatch)
                {
                    records += TakeShared(reader, shared, first, _maxBatch - records);
                }
            }
            else
            {
                SpoolPosition start = reader.Position;
                _ends.Clear();
                _recordMessages.Clear();
                try
                {
                    records = reader.Read(_maxBatch, this, static (record, end, self) => self.Add(record, end));
                }
                catch (InvalidDataException ex)
                {
                    LogCorrupt(logger, consumer.Name, ex.Message);
                    reader.SkipSegment();
                    continue;
                }

                DecodedRecords += records;
                if (ring is not null && records > 0) ring.Add(new DecodedBatch(start, _ends, [.. _recordMessages]));
            }

            if (records == 0) continue;
            if (_batch.Count > 0) await HandOverAsync(ct).ConfigureAwait(false);
            if (unsavedRecords == 0) firstUnsaved = _time.GetTimestamp();
            unsavedRecords += records;
            unsavedMessages += _batch.Count;
            unsavedEnd = reader.Position;
            caughtUp = collect > TimeSpan.Zero && !reader.HasData;

            _batch.Clear();
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// Waits for committed records beyond the reader, on the stage's clock; false when the unsaved period's deadline
    /// (<paramref name="left"/> from now when first asked) came first.
    /// </summary>
    private async Task<bool> DataBeforeDeadlineAsync(SpoolReader reader, PeriodWaits waits, TimeSpan left, CancellationToken ct)
    {
        // Under load the next commit is usually there already: no timer, task or wait for it.
        if (reader.HasData)
        {
            ct.ThrowIfCancellationRequested();
            return true;
        }

        waits.Due ??= Task.Delay(left, _time, ct);
        waits.Data ??= reader.WaitAsync(ct);
        if (await Task.WhenAny(waits.Data, waits.Due).ConfigureAwait(false) != waits.Data)
        {
            ct.ThrowIfCancellationRequested();
            return false;
        }

        Task arrived = waits.Data;
        waits.Data = null;
        await arrived.ConfigureAwait(false); // surfaces cancellation
        return true;
    }

    /// <summary>What a stage's run waits on between commits, kept across its waits.</summary>
    private sealed class PeriodWaits
    {
        /// <summary>
        /// Completes when the unsaved period's interval has passed: one timer per period, shared by every wait in it. A
        /// timer per wait was one per group commit under load (about 180 a second, each arming the runtime's timer thread:
        /// issue 11, perf stat of bench ingest).
        /// </summary>
        public Task? Due;

        /// <summary>A wait for data that the deadline won: the next wait takes it over rather than leaving it behind.</summary>
        public Task? Data;
    }

    private async Task SaveAsync(long messages, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                long? cpu = metrics is null ? null : ThreadCpu.Ticks();
                await Charged(consumer.SaveAsync(ct), cpu, 1).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                TimeSpan delay = _backoff.Delay(attempt);
                LogSaveFailed(logger, ex, consumer.Name, messages, attempt, delay.TotalMilliseconds);
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The records of <paramref name="shared"/> from <paramref name="first"/>, at most <paramref name="limit"/> (a batch another stage decoded may be bigger than this consumer takes at once).</summary>
    private int TakeShared(SpoolReader reader, DecodedBatch shared, int first, int limit)
    {
        int end = Math.Min(shared.Count, first + limit);
        for (int i = first; i < end; i++)
        {
            if (shared.MessageOf(i) is { } message) _batch.Add(message);
        }

        reader.Advance(end == shared.Count ? shared.End : shared.EndOf(end - 1));
        int records = end - first;
        SharedRecords += records;
        return records;
    }

    private void Add(ReadOnlySpan<byte> record, SpoolPosition end)
    {
        TagMessage? message = null;
        if (_decoder.TryDecode(record, out long arrivalMs, out string topicText, out TrackingTopic topic, out _, out _) && !_decoder.Message.TagRemoved)
        {
            TopicIds ids = IdsOf(topicText, topic);
            message = TagMessage.From(ids.Fleet, ids.Container, ids.Tag, _decoder.Message, arrivalMs);
            _batch.Add(message);
        }

        _ends.Add(end);
        _recordMessages.Add(message);
    }

    private TopicIds IdsOf(string topicText, in TrackingTopic topic)
    {
        if (_ids.TryGetValue(topicText, out TopicIds? ids)) return ids;
        if (_ids.Count >= MaxCachedTopics) _ids.Clear();
        ids = new TopicIds(topic.Fleet.ToString(), topic.Container.ToString(), topic.Tag.ToString());
        _ids.Add(topicText, ids);
        return ids;
    }

    private async Task HandOverAsync(CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                int times = _batch.Count >= TimedFrom ? 1 : CpuSampleEvery;
                long? cpu = metrics is null || (times > 1 && ++_smallHandOvers % times != 0) ? null : ThreadCpu.Ticks();
                await Charged(consumer.ConsumeAsync(_batch, ct), cpu, times).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                TimeSpan delay = _backoff.Delay(attempt);
                LogConsumerFailed(logger, ex, consumer.Name, _batch.Count, attempt, delay.TotalMilliseconds);
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Charges the CPU time this thread spent since <paramref name="before"/> (null: not timed), <paramref name="times"/>
    /// over, to the consumer: a call that returned on the
    /// thread that made it ran there throughout (one that went asynchronous is not charged; its threads are not known).
    /// </summary>
    /// <returns>The call, to be awaited: completed when it returned on this thread (then charged), else as it runs on.</returns>
    private ValueTask Charged(ValueTask call, long? before, int times)
    {
        if (!call.IsCompletedSuccessfully) return call;
        call.GetAwaiter().GetResult();
        if (before is { } from && ThreadCpu.Ticks() is { } now) metrics!.OnConsumerCpu(consumer.Name, (now - from) * times);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 550, Level = LogLevel.Error, Message = "Spool consumer {Consumer} failed on {Messages} message(s) (attempt {Attempt}); handing them over again in {DelayMs:0} ms")]
    private static partial void LogConsumerFailed(ILogger logger, Exception ex, string consumer, int messages, int attempt, double delayMs);

    [LoggerMessage(EventId = 552, Level = LogLevel.Error, Message = "Spool consumer {Consumer} could not save {Messages} message(s) (attempt {Attempt}); they stay unconfirmed, saving again in {DelayMs:0} ms")]
    private static partial void LogSaveFailed(ILogger logger, Exception ex, string consumer, long messages, int attempt, double delayMs);

    [LoggerMessage(EventId = 551, Level = LogLevel.Error, Message = "Spool damaged, consumer {Consumer} skips the rest of the segment: {Message}")]
    private static partial void LogCorrupt(ILogger logger, string consumer, string message);
}
