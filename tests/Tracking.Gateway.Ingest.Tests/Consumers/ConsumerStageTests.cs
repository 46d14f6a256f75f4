using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;
using Tracking.Testing;
using static Tracking.Gateway.Ingest.Tests.Consumers.ConsumerSpoolRig;

namespace Tracking.Gateway.Ingest.Tests.Consumers;

/// <summary>
/// A consumer beside the InfluxDB writer, each on its own spool reader: neither waits for the other, the consumer gets
/// immutable messages made from the stored fields, and a restart resumes each from its own checkpoint.
/// </summary>
public sealed class ConsumerStageTests : IDisposable
{
    private readonly ConsumerSpoolRig _rig = new("consumer", "rules");

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task The_consumer_gets_every_message_while_InfluxDB_takes_none()
    {
        using var spool = _rig.Open();
        using var deadLetters = new DeadLetterFile(_rig.Directory);
        var consumer = new RecordingConsumer("rules");
        using var stop = new CancellationTokenSource();
        var writer = new WriterStage(spool, new DownSink(), deadLetters, new GatewayMetrics(), 5000, TimeSpan.FromMilliseconds(10), 2,
            strictContainerIds: true, NullLogger.Instance);
        Task writing = writer.RunAsync(stop.Token);
        Task consuming = new ConsumerStage(spool, consumer, strictContainerIds: true, NullLogger.Instance).RunAsync(stop.Token);

        Spool(spool, 0, 300);
        await Poll.UntilAsync(() => spool.PendingRecordsOf("rules") == 0, "the consumer confirmed everything");
        Assert.Equal(300, spool.PendingRecordsOf(DiskSpool.WriterReader)); // InfluxDB took nothing

        Assert.Equal(300, consumer.Messages.Count);
        TagMessage last = consumer.Messages[^1];
        Assert.Equal(("acme", "CSQU3054383", "tag-1", MessageKind.Telemetry), (last.Fleet, last.Container, last.Tag, last.Kind));
        Assert.Equal((3L, 598L, 1_732_600_000_000L + (299 * 600_000L)), (last.Boot, last.Seq, last.TimeMs));
        Assert.Equal(2, last.Readings.Length);
        Assert.Equal(59.25, last.Readings[1].TemperatureC); // 299 % 80
        Assert.Equal(last.TimeMs + 300_000, last.ReadingTimeMs(1));
        Assert.Equal(1_732_700_000_000, last.ArrivalMs);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(writing, consuming));
    }

    [Fact]
    public async Task A_stuck_consumer_does_not_hold_up_the_writer()
    {
        using var spool = _rig.Open();
        using var deadLetters = new DeadLetterFile(_rig.Directory);
        var consumer = new RecordingConsumer("rules") { Gate = new TaskCompletionSource() };
        var sink = new CountingSink();
        using var stop = new CancellationTokenSource();
        Task consuming = new ConsumerStage(spool, consumer, strictContainerIds: true, NullLogger.Instance).RunAsync(stop.Token);
        Task writing = new WriterStage(spool, sink, deadLetters, new GatewayMetrics(), 5000, TimeSpan.FromMilliseconds(10), 2,
            strictContainerIds: true, NullLogger.Instance).RunAsync(stop.Token);

        Spool(spool, 0, 100);
        await Poll.UntilAsync(() => spool.PendingRecordsOf(DiskSpool.WriterReader) == 0, "the writer confirmed everything");
        Assert.Equal(200, sink.Lines);
        Assert.Equal(100, spool.PendingRecordsOf("rules"));

        consumer.Gate.SetResult();
        await Poll.UntilAsync(() => spool.PendingRecordsOf("rules") == 0, "the consumer caught up");
        Assert.Equal(100, consumer.Messages.Count);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(writing, consuming));
    }

    [Fact]
    public async Task A_failing_consumer_gets_the_same_messages_again_and_loses_none()
    {
        using var spool = _rig.Open();
        var consumer = new RecordingConsumer("rules") { FailuresLeft = 2 };
        using var stop = new CancellationTokenSource();
        Spool(spool, 0, 10);
        Task consuming = new ConsumerStage(spool, consumer, strictContainerIds: true, NullLogger.Instance).RunAsync(stop.Token);

        await Poll.UntilAsync(() => spool.PendingRecordsOf("rules") == 0, "the consumer confirmed after its failures");
        Assert.Equal(3, consumer.Calls);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i * 2), consumer.Messages.Select(m => m.Seq));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
    }

    [Fact]
    public async Task After_a_restart_the_consumer_resumes_at_its_own_checkpoint()
    {
        var first = new RecordingConsumer("rules");
        using (var spool = _rig.Open())
        {
            Spool(spool, 0, 20);
            using var stop = new CancellationTokenSource();
            Task consuming = new ConsumerStage(spool, first, strictContainerIds: true, NullLogger.Instance).RunAsync(stop.Token);
            await Poll.UntilAsync(() => spool.PendingRecordsOf("rules") == 0, "the first run consumed everything");
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
            Spool(spool, 20, 5); // spooled while the consumer was down
        }

        var second = new RecordingConsumer("rules");
        using (var spool = _rig.Open())
        {
            using var stop = new CancellationTokenSource();
            Task consuming = new ConsumerStage(spool, second, strictContainerIds: true, NullLogger.Instance).RunAsync(stop.Token);
            await Poll.UntilAsync(() => spool.PendingRecordsOf("rules") == 0, "the second run consumed the rest");
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
            Assert.Equal(25, spool.PendingRecordsOf(DiskSpool.WriterReader));
        }

        Assert.Equal(20, first.Messages.Count);
        Assert.Equal(Enumerable.Range(20, 5).Select(i => (long)i * 2), second.Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task A_consumer_with_a_collect_delay_gets_the_commits_of_the_delay_in_one_batch_after_it()
    {
        using var spool = _rig.Open();
        var time = new ManualTimeProvider();
        var consumer = new RecordingConsumer("rules") { CollectDelay = TimeSpan.FromMilliseconds(50) };
        using var stop = new CancellationTokenSource();
        Task consuming = new ConsumerStage(spool, consumer, strictContainerIds: true, NullLogger.Instance, time).RunAsync(stop.Token);

        Spool(spool, 0, 10);
        await Poll.UntilAsync(() => consumer.Messages.Count == 10, "the first commit was handed over at once");
        for (int i = 0; i < 5; i++) Spool(spool, 10 + (i * 4), 4); // five commits while the stage lets them collect
        await Task.Delay(100);
        Assert.Equal(10, consumer.Messages.Count); // not read before the delay passed on the stage's clock

        time.Advance(TimeSpan.FromMilliseconds(50));
        await Poll.UntilAsync(() => consumer.Messages.Count == 30, "the five commits were handed over");
        Assert.Equal(2, consumer.Calls);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i * 2), consumer.Messages.Select(m => m.Seq));
        await Poll.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            return spool.PendingRecordsOf("rules") == 0;
        }, "everything confirmed");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
    }

    [Fact]
    public async Task A_consumer_with_a_save_interval_is_confirmed_by_its_save_only()
    {
        using var spool = _rig.Open();
        var time = new ManualTimeProvider();
        var consumer = new SavingConsumer("rules", TimeSpan.FromMinutes(1));
        using var stop = new CancellationTokenSource();
        Task consuming = new ConsumerStage(spool, consumer, strictContainerIds: true, NullLogger.Instance, time).RunAsync(stop.Token);

        Spool(spool, 0, 10);
        await Poll.UntilAsync(() => consumer.Taken.Count == 10, "the consumer took everything");
        await Task.Delay(50);
        Assert.Equal(10, spool.PendingRecordsOf("rules")); // taken, not saved: not confirmed
        Assert.Equal(0, consumer.SaveCalls);

        // More data before the interval ends joins the same save; then the interval passes with the spool idle.
        time.Advance(TimeSpan.FromSeconds(30));
        Spool(spool, 10, 5);
        await Poll.UntilAsync(() => consumer.Taken.Count == 15, "the consumer took the rest");
        Assert.Equal(15, spool.PendingRecordsOf("rules"));
        await Poll.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(10));
            return spool.PendingRecordsOf("rules") == 0;
        }, "the save confirmed everything");
        Assert.Equal(1, consumer.SaveCalls);
        Assert.Equal(15, consumer.Saved.Count);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
    }

    [Fact]
    public async Task A_failed_save_confirms_nothing_and_is_tried_again()
    {
        using var spool = _rig.Open();
        var time = new ManualTimeProvider();
        var consumer = new SavingConsumer("rules", TimeSpan.FromSeconds(1)) { SaveFailuresLeft = 2 };
        using var stop = new CancellationTokenSource();
        Task consuming = new ConsumerStage(spool, consumer, strictContainerIds: true, NullLogger.Instance, time).RunAsync(stop.Token);

        Spool(spool, 0, 10);
        await Poll.UntilAsync(() => consumer.Taken.Count == 10, "the consumer took everything");
        await Poll.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.True(consumer.SaveCalls > 2 || spool.PendingRecordsOf("rules") == 10, "confirmed before a save returned");
            return spool.PendingRecordsOf("rules") == 0;
        }, "the third save confirmed everything");
        Assert.Equal(3, consumer.SaveCalls);
        Assert.Equal(10, consumer.Saved.Count);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
    }

    [Fact]
    public async Task A_crash_between_saves_hands_over_again_exactly_what_was_not_saved()
    {
        var first = new SavingConsumer("rules", TimeSpan.FromMinutes(1));
        var time = new ManualTimeProvider();
        using (var spool = _rig.Open())
        {
            using var stop = new CancellationTokenSource();
            Task consuming = new ConsumerStage(spool, first, strictContainerIds: true, NullLogger.Instance, time).RunAsync(stop.Token);
            Spool(spool, 0, 20);
            await Poll.UntilAsync(() =>
            {
                time.Advance(TimeSpan.FromSeconds(20));
                return spool.PendingRecordsOf("rules") == 0;
            }, "the first 20 were saved and confirmed");
            Spool(spool, 20, 7);
            await Poll.UntilAsync(() => first.Taken.Count == 27, "the next 7 were taken");
            await stop.CancelAsync(); // the crash: the 7 were taken and never saved
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
            Assert.Equal(7, spool.PendingRecordsOf("rules"));
        }

        var second = new SavingConsumer("rules", TimeSpan.FromMinutes(1));
        using (var spool = _rig.Open())
        {
            using var stop = new CancellationTokenSource();
            Task consuming = new ConsumerStage(spool, second, strictContainerIds: true, NullLogger.Instance, time).RunAsync(stop.Token);
            await Poll.UntilAsync(() => second.Taken.Count == 7, "the unsaved 7 came again");
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i * 2), first.Saved.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(20, 7).Select(i => (long)i * 2), second.Taken.Select(m => m.Seq));
    }

    [Fact]
    public async Task A_consumer_without_saves_is_confirmed_once_per_interval_and_a_crash_before_it_replays_the_batches()
    {
        var time = new ManualTimeProvider();
        var first = new RecordingConsumer("rules");
        using (var spool = _rig.Open())
        {
            using var stop = new CancellationTokenSource();
            Task consuming = new ConsumerStage(spool, first, strictContainerIds: true, NullLogger.Instance, time).RunAsync(stop.Token);
            for (int i = 0; i < 5; i++)
            {
                Spool(spool, i * 10, 10);
                await Poll.UntilAsync(() => first.Messages.Count == (i + 1) * 10, "the consumer took the batch");
            }

            await Task.Delay(50);
            Assert.Equal(50, spool.PendingRecordsOf("rules")); // returned from, not yet checkpointed
            await Poll.UntilAsync(() =>
            {
                time.Advance(ConsumerStage.ConfirmInterval);
                return spool.PendingRecordsOf("rules") == 0;
            }, "one confirmation for the five batches once the interval passed");

            Spool(spool, 50, 7);
            await Poll.UntilAsync(() => first.Messages.Count == 57, "the next 7 were taken");
            await stop.CancelAsync(); // the crash: the 7 were taken and not checkpointed
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
            Assert.Equal(7, spool.PendingRecordsOf("rules"));
        }

        var second = new RecordingConsumer("rules");
        using (var spool = _rig.Open())
        {
            using var stop = new CancellationTokenSource();
            Task consuming = new ConsumerStage(spool, second, strictContainerIds: true, NullLogger.Instance, time).RunAsync(stop.Token);
            await Poll.UntilAsync(() => second.Messages.Count == 7, "the unconfirmed 7 came again");
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
        }

        Assert.Equal(Enumerable.Range(50, 7).Select(i => (long)i * 2), second.Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task A_stage_waiting_between_commits_arms_one_timer_per_confirm_interval_not_one_per_commit()
    {
        using var spool = _rig.Open();
        var time = new ManualTimeProvider();
        var consumer = new RecordingConsumer("rules");
        using var stop = new CancellationTokenSource();
        Task consuming = new ConsumerStage(spool, consumer, strictContainerIds: true, NullLogger.Instance, time).RunAsync(stop.Token);

        // Twenty commits inside one interval, each handed over before the next comes: the stage waits between them.
        for (int i = 0; i < 20; i++)
        {
            Spool(spool, i, 1);
            await Poll.UntilAsync(() => consumer.Messages.Count == i + 1, "the commit was handed over");
        }

        await Poll.UntilAsync(() => time.PendingTimers.Count == 1, "the stage waits for the interval's end");
        Assert.Equal(1, time.TimersCreated);
        Assert.Equal(20, spool.PendingRecordsOf("rules"));

        time.Advance(ConsumerStage.ConfirmInterval);
        await Poll.UntilAsync(() => spool.PendingRecordsOf("rules") == 0, "confirmed at the interval's end");

        // The next period has its own deadline, and data after an idle confirmation is still seen at once.
        Spool(spool, 20, 1);
        await Poll.UntilAsync(() => consumer.Messages.Count == 21, "data after the idle confirmation was handed over");
        await Poll.UntilAsync(() => time.PendingTimers.Count == 1, "the stage waits for the new interval's end");
        Assert.Equal(2, time.TimersCreated);
        time.Advance(ConsumerStage.ConfirmInterval);
        await Poll.UntilAsync(() => spool.PendingRecordsOf("rules") == 0, "confirmed at the new interval's end");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
    }

    /// <summary>InfluxDB down: no write ever settles.</summary>
    private sealed class DownSink : ILineSink
    {
        public LineProtocolBuffer CreateBuffer() => new();

        public async Task<WriteResult> WriteAsync(LineProtocolBuffer lines, CancellationToken ct)
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        }
    }
}
