using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Dedupe;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// The ingest stage's group commit by load: at light load a message is made durable and acknowledged as soon as the
/// channel is empty, not after <see cref="SpoolOptions.CommitMaxDelay"/>; after a large group (under load) the next group
/// waits for company up to that delay. Real spool and dead-letter file, no broker.
/// </summary>
public sealed class GroupCommitLoadTests : IDisposable
{
    private const string Topic = "tracking/v1/fleet-1/CSQU3054383/tag-1/telemetry";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "group-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static MqttMessage Message(int seq) =>
        new(Topic, Encoding.UTF8.GetBytes($$"""{"v":1,"boot":1,"seq":{{seq}},"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1]]}"""),
            MqttQos.AtLeastOnce, retain: false, duplicate: false, (ushort)seq, null, null);

    private static async Task Eventually(Func<bool> condition, TimeSpan within, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > within) Assert.Fail($"not within {within}: {what}");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task At_light_load_a_message_is_acknowledged_once_durable_without_the_group_delay()
    {
        var options = new SpoolOptions { Directory = _dir, CommitMaxDelay = TimeSpan.FromSeconds(30) };
        using DiskSpool spool = DiskSpool.Open(options);
        using var deadLetters = new DeadLetterFile(_dir);
        var acknowledger = new GroupAcknowledger();
        var channel = Channel.CreateUnbounded<MqttMessage>();
        using var stop = new CancellationTokenSource();
        var stage = new IngestStage(channel.Reader, acknowledger, spool, deadLetters, new GatewayMetrics(), options,
            strictContainerIds: true, new DuplicateFilter(100, 16), NullLogger.Instance);
        Task running = stage.RunAsync(stop.Token);

        channel.Writer.TryWrite(Message(1));
        await Eventually(() => acknowledger.Groups.Length == 1, TimeSpan.FromSeconds(10), "the message is acknowledged");
        Assert.Equal(1, spool.PendingRecords); // acknowledged only once in the spool (committed: readers see it)

        channel.Writer.TryWrite(Message(2));
        await Eventually(() => acknowledger.Groups.Length == 2, TimeSpan.FromSeconds(10), "the second message is acknowledged");
        Assert.Equal([[1], [2]], acknowledger.Groups);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task After_a_large_group_the_next_one_waits_for_company_up_to_the_delay()
    {
        var options = new SpoolOptions { Directory = _dir, CommitMaxDelay = TimeSpan.FromMilliseconds(700) };
        using DiskSpool spool = DiskSpool.Open(options);
        using var deadLetters = new DeadLetterFile(_dir);
        var acknowledger = new GroupAcknowledger();
        var channel = Channel.CreateUnbounded<MqttMessage>();
        for (int seq = 1; seq <= IngestStage.LightLoadGroup; seq++) channel.Writer.TryWrite(Message(seq));
        using var stop = new CancellationTokenSource();
        var stage = new IngestStage(channel.Reader, acknowledger, spool, deadLetters, new GatewayMetrics(), options,
            strictContainerIds: true, new DuplicateFilter(100, 16), NullLogger.Instance);
        Task running = stage.RunAsync(stop.Token);
        await Eventually(() => acknowledger.Groups.Length == 1, TimeSpan.FromSeconds(10), "the queued burst is acknowledged");
        Assert.Equal(IngestStage.LightLoadGroup, acknowledger.Groups[0].Length);

        // Under load now: the next message waits for the one written 100 ms later, and both share one fsync.
        channel.Writer.TryWrite(Message(100));
        await Task.Delay(100);
        channel.Writer.TryWrite(Message(101));
        await Eventually(() => acknowledger.Groups.Length == 2, TimeSpan.FromSeconds(10), "the pair is acknowledged");
        Assert.Equal([100, 101], acknowledger.Groups[1]);
        await stop.CancelAsync();
        await running;
    }
}
