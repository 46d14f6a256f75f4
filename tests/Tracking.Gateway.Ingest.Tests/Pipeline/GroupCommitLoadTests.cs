using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// The ingest stage's group commit by load: at light load a message is made durable and acknowledged as soon as the
/// channel is empty, not after <see cref="SpoolOptions.CommitMaxDelay"/>; after a large group (under load) the next group
/// waits for company up to that delay. Real spool and dead-letter file, no broker.
/// </summary>
public sealed class GroupCommitLoadTests
{
    private static MqttMessage Message(int seq) => IngestRig.Message(IngestRig.Telemetry(seq), (ushort)seq);

    [Fact]
    public async Task At_light_load_a_message_is_acknowledged_once_durable_without_the_group_delay()
    {
        using var rig = new IngestRig("group", commitMaxDelay: TimeSpan.FromSeconds(30));
        var acknowledger = new GroupAcknowledger();
        using var stop = new CancellationTokenSource();
        Task running = rig.Stage(acknowledger).RunAsync(stop.Token);

        rig.Messages.Writer.TryWrite(Message(1));
        await Poll.UntilAsync(() => acknowledger.Groups.Length == 1, "the message is acknowledged", TimeSpan.FromSeconds(10));
        Assert.Equal(1, rig.Spool.PendingRecords); // acknowledged only once in the spool (committed: readers see it)

        rig.Messages.Writer.TryWrite(Message(2));
        await Poll.UntilAsync(() => acknowledger.Groups.Length == 2, "the second message is acknowledged", TimeSpan.FromSeconds(10));
        Assert.Equal([[1], [2]], acknowledger.Groups);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task After_a_large_group_the_next_one_waits_for_company_up_to_the_delay()
    {
        using var rig = new IngestRig("group", commitMaxDelay: TimeSpan.FromMilliseconds(700));
        var acknowledger = new GroupAcknowledger();
        for (int seq = 1; seq <= IngestStage.LightLoadGroup; seq++) rig.Messages.Writer.TryWrite(Message(seq));
        using var stop = new CancellationTokenSource();
        Task running = rig.Stage(acknowledger).RunAsync(stop.Token);
        await Poll.UntilAsync(() => acknowledger.Groups.Length == 1, "the queued burst is acknowledged", TimeSpan.FromSeconds(10));
        Assert.Equal(IngestStage.LightLoadGroup, acknowledger.Groups[0].Length);

        // Under load now: the next message waits for the one written 100 ms later, and both share one fsync.
        rig.Messages.Writer.TryWrite(Message(100));
        await Task.Delay(100);
        rig.Messages.Writer.TryWrite(Message(101));
        await Poll.UntilAsync(() => acknowledger.Groups.Length == 2, "the pair is acknowledged", TimeSpan.FromSeconds(10));
        Assert.Equal([100, 101], acknowledger.Groups[1]);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task Under_load_bursts_within_the_delay_share_one_commit_and_one_wait()
    {
        using var rig = new IngestRig("group", commitMaxDelay: TimeSpan.FromMilliseconds(700));
        var acknowledger = new GroupAcknowledger();
        var reader = new CountingReader(rig.Messages.Reader);
        for (int seq = 1; seq <= IngestStage.LightLoadGroup; seq++) rig.Messages.Writer.TryWrite(Message(seq));
        using var stop = new CancellationTokenSource();
        Task running = rig.Stage(acknowledger, reader: reader).RunAsync(stop.Token);
        await Poll.UntilAsync(() => acknowledger.Groups.Length == 1, "the queued burst is acknowledged", TimeSpan.FromSeconds(10));

        // Under load: three bursts within the delay. The stage waits for the first and then sleeps out the delay once;
        // it does not wake for the second and third (issue 11).
        rig.Messages.Writer.TryWrite(Message(100));
        await Task.Delay(50);
        rig.Messages.Writer.TryWrite(Message(101));
        await Task.Delay(50);
        rig.Messages.Writer.TryWrite(Message(102));
        await Poll.UntilAsync(() => acknowledger.Groups.Length == 2, "the bursts are acknowledged", TimeSpan.FromSeconds(10));
        Assert.Equal([100, 101, 102], acknowledger.Groups[1]);
        await stop.CancelAsync();
        await running;

        // One wait for the first group, one for the second, one for the group that never came (cancelled by the stop).
        Assert.Equal(3, reader.Waits);
    }
}
