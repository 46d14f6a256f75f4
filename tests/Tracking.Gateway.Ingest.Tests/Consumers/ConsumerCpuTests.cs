using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Testing;
using static Tracking.Gateway.Ingest.Tests.Consumers.ConsumerSpoolRig;

namespace Tracking.Gateway.Ingest.Tests.Consumers;

/// <summary>
/// Issue 12: what a spool consumer itself costs is measured on the gateway's threads
/// (<c>tracking_gateway_consumer_cpu_seconds_total</c>): its hand-overs and saves that return on the calling thread are
/// charged with that thread's CPU time over the call, and nothing else is (a call that went asynchronous ran on threads
/// the stage does not know). Linux only (the thread CPU clock); elsewhere nothing is charged.
/// </summary>
public sealed class ConsumerCpuTests : IDisposable
{
    private static readonly TimeSpan PerCall = TimeSpan.FromMilliseconds(15);

    private readonly ConsumerSpoolRig _rig = new("consumer-cpu", "rules");

    public void Dispose() => _rig.Dispose();

    [Fact]
    public async Task Hand_overs_and_saves_on_the_calling_thread_are_charged_their_CPU()
    {
        if (!OperatingSystem.IsLinux()) return;
        var consumer = new BusyConsumer("rules", PerCall) { SaveInterval = TimeSpan.FromMilliseconds(50) };
        var metrics = new GatewayMetrics();
        await RunAsync(consumer, metrics);

        Assert.True(consumer.Calls >= 2, $"{consumer.Calls} calls: a hand-over and a save at least");
        TimeSpan charged = metrics.ConsumerCpu("rules");
        // At least what the calls spent on their threads; at most that and a little per call (the stage's own steps
        // between the clock's readings, a ValueTask's completion).
        Assert.InRange(charged, consumer.Spent, consumer.Spent + (consumer.Calls * TimeSpan.FromMilliseconds(2)));
        var text = new StringBuilder();
        metrics.WritePrometheus(text, new GatewayMetrics.Gauges(true, 0, 0, 0, false, 0));
        Assert.Contains(FormattableString.Invariant($"tracking_gateway_consumer_cpu_seconds_total{{consumer=\"rules\"}} {charged.TotalSeconds:0.######}\n"), text.ToString());
    }

    [Fact]
    public async Task One_hand_over_in_eight_is_timed_and_counted_eight_times()
    {
        if (!OperatingSystem.IsLinux()) return;
        TimeSpan charged = await HandOverTwentyAsync(records: 1, timedFrom: 128);

        // Hand-overs 8 and 16 timed, each counted 8 times: 16 x 15 ms of the 20 x 15 ms spent.
        Assert.InRange(charged, PerCall * 16, (PerCall + TimeSpan.FromMilliseconds(2)) * 16);
    }

    [Fact]
    public async Task Every_hand_over_of_TimedFrom_messages_or_more_is_timed_and_counted_once()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Hand-overs of two messages count as big here (the gateway's limit is 128): none is left to the one in eight.
        TimeSpan charged = await HandOverTwentyAsync(records: 2, timedFrom: 2);

        // Each of the 20 x 15 ms once (sampled, it would be hand-overs 8 and 16 counted 8 times: 16 x 15 ms).
        Assert.InRange(charged, PerCall * 20, (PerCall + TimeSpan.FromMilliseconds(2)) * 20);
    }

    [Fact]
    public async Task Calls_that_went_asynchronous_are_not_charged()
    {
        if (!OperatingSystem.IsLinux()) return;
        var consumer = new BusyConsumer("rules", PerCall) { SaveInterval = TimeSpan.FromMilliseconds(50), GoAsync = true };
        var metrics = new GatewayMetrics();
        await RunAsync(consumer, metrics);

        Assert.True(consumer.Spent >= PerCall * 2, $"the consumer spent {consumer.Spent}");
        Assert.Equal(TimeSpan.Zero, metrics.ConsumerCpu("rules"));
    }

    /// <summary>
    /// Twenty hand-overs of <paramref name="records"/> records each (committed together, handed over one commit at a time),
    /// no saves, each spending <see cref="PerCall"/>: what the stage charged.
    /// </summary>
    private async Task<TimeSpan> HandOverTwentyAsync(int records, int timedFrom)
    {
        var consumer = new BusyConsumer("rules", PerCall);
        var metrics = new GatewayMetrics();
        using var spool = _rig.Open();
        using var stop = new CancellationTokenSource();
        Task consuming = new ConsumerStage(spool, consumer, strictContainerIds: true, NullLogger.Instance, metrics: metrics) { TimedFrom = timedFrom }
            .RunAsync(stop.Token);
        for (int i = 0; i < 20; i++)
        {
            Spool(spool, records * i, records);
            await Poll.UntilAsync(() => consumer.Calls == i + 1, $"hand-over {i + 1}");
        }
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
        return metrics.ConsumerCpu("rules");
    }

    private async Task RunAsync(BusyConsumer consumer, GatewayMetrics metrics)
    {
        using var spool = _rig.Open();
        using var stop = new CancellationTokenSource();
        // Every hand-over timed (not one in eight): the figure is then exactly what the calls spent.
        Task consuming = new ConsumerStage(spool, consumer, strictContainerIds: true, NullLogger.Instance, metrics: metrics) { CpuSampleEvery = 1 }
            .RunAsync(stop.Token);
        Spool(spool, 0, 600);
        await Poll.UntilAsync(() => spool.PendingRecordsOf("rules") == 0, "the consumer saved and confirmed everything");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consuming);
    }
}
