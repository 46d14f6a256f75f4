using System.Text.Json;
using ContainerTag.Core.Control;
using ContainerTag.Core.Hardware;
using ContainerTag.Tests.Fakes;
using Xunit;

namespace ContainerTag.Tests;

/// <summary>
/// The controller over SntpClock: readings of a boot whose clock was never set go out with a0 that is right even
/// when the time is set in the middle of the session, the sync counts only once the time was set, and after it
/// the earlier readings of that boot get their exact times (docs/protocol.md section 7).
/// </summary>
public class SntpSessionTests
{
    private const long Day = 24L * 3600 * 1000;
    private const long PowerOnWall = 946_684_800_000; // 2000-01-01: the RTC after a power loss
    private const long Offset = 1_764_800_000_000 - PowerOnWall; // true time minus the unset RTC

    private sealed class Rig
    {
        public FakeTimeSource Source { get; } = new(PowerOnWall);
        public MemoryStorage Storage { get; } = new();
        public FakeUplink Inner { get; } = new();
        public TagOptions Options { get; } = new() { Fleet = TagRig.Fleet, Container = TagRig.Container, Tag = TagRig.TagId };
        public SntpClock Clock { get; private set; } = null!;
        public SntpUplink Uplink { get; private set; } = null!;
        public Action? OnSubscribe { get; set; }

        /// <summary>Wall times of the readings taken (on the unset RTC), in order.</summary>
        public List<long> SampledAt { get; } = new();

        public RunResult Wake(WakeCause cause)
        {
            Clock = new SntpClock(Source, Storage, cause == WakeCause.PowerOn, Day);
            Uplink = new SntpUplink(Inner, Clock, Source) { OnSubscribe = OnSubscribe };
            var controller = new TagController(Options, new FakeEnvironment(), new FakeAccelerometer(), Clock, Storage, Uplink,
                new FakePower());
            var wall = Source.WallMs;
            var result = controller.RunOnce(cause);
            if (result.Sampled)
            {
                SampledAt.Add(wall);
            }
            Source.Run(100);
            return result;
        }

        public RunResult SleepAndWake(RunResult last)
        {
            Source.Sleep(last.NextSleepMs);
            return Wake(WakeCause.Timer);
        }
    }

    private static JsonElement Json(Published p) => JsonDocument.Parse(p.Payload).RootElement;

    [Fact]
    public void A_set_in_the_middle_of_the_session_does_not_bend_the_a0_of_the_readings_sent_after_it()
    {
        var rig = new Rig();
        rig.Inner.ConnectSucceeds = false;
        var last = rig.Wake(WakeCause.PowerOn);
        for (var i = 0; i < 5; i++)
        {
            last = rig.SleepAndWake(last);
        }
        Assert.False(rig.Clock.IsSynced);

        // the network is back; SNTP's reply sets the time after Connect returned, before anything is published
        rig.Inner.ConnectSucceeds = true;
        rig.OnSubscribe = () => rig.Source.Set(rig.Source.WallMs + Offset);
        while (!last.ReportAttempted || !last.Connected)
        {
            last = rig.SleepAndWake(last);
        }

        var (batch, arrival) = Assert.Single(rig.Uplink.Sent, s => s.Message.Topic.EndsWith("/telemetry", StringComparison.Ordinal));
        var root = Json(batch);
        Assert.True(root.TryGetProperty("a0", out var a0));
        Assert.False(root.TryGetProperty("t0", out _));
        // arrival minus a0 is the true time of the first reading: its RTC time plus what the set added
        Assert.Equal(rig.SampledAt[0] + Offset, arrival - a0.GetInt64());
        var r = root.GetProperty("r");
        Assert.Equal(rig.SampledAt.Count, r.GetArrayLength());
        Assert.Equal(rig.SampledAt[^1] - rig.SampledAt[0], r[r.GetArrayLength() - 1][0].GetInt64());

        // the set was seen, so the sync counts from now on, with the time it was seen at
        Assert.True(rig.Clock.IsSynced);
        Assert.InRange(rig.Clock.LastSyncMs, PowerOnWall + Offset, rig.Source.WallMs);
    }

    [Fact]
    public void A_session_without_a_set_does_not_count_as_a_sync_and_a_later_one_sends_exact_times()
    {
        var rig = new Rig();
        var first = rig.Wake(WakeCause.PowerOn);
        Assert.True(first.ReportSucceeded);
        Assert.False(rig.Clock.IsSynced); // asked for, waited for at most the bound, never set
        Assert.Equal(SntpUplink.WaitMs + 100, rig.Source.UptimeMs);
        Assert.True(Json(rig.Inner.On("/telemetry").Single()).TryGetProperty("a0", out _));

        // the next report's Wi-Fi bring-up gets the reply: the readings of this boot taken before it go with exact t0
        var last = first;
        do
        {
            last = NextWakeWithSetAtConnect(rig, last);
        }
        while (!last.ReportAttempted);

        Assert.True(last.ReportSucceeded);
        Assert.True(rig.Clock.IsSynced);
        var root = Json(rig.Inner.On("/telemetry").Skip(1).First());
        Assert.True(root.TryGetProperty("t0", out var t0), root.GetRawText());
        Assert.False(root.TryGetProperty("t_est", out _));
        Assert.Equal(rig.SampledAt[1] + Offset, t0.GetInt64());
    }

    /// <summary>Sleeps and wakes; a wake that reports gets its time set 500 ms into the connect.</summary>
    private static RunResult NextWakeWithSetAtConnect(Rig rig, RunResult last)
    {
        rig.Source.Sleep(last.NextSleepMs);
        rig.Source.SetAtUptimeMs = 500;
        rig.Source.SetToMs = rig.Source.WallMs + Offset + 500;
        return rig.Wake(WakeCause.Timer);
    }
}
