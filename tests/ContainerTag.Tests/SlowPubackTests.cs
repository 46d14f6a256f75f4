using System.Text.Json;
using ContainerTag.Core.Control;
using ContainerTag.Core.Hardware;
using ContainerTag.Tests.Fakes;
using Xunit;

namespace ContainerTag.Tests;

/// <summary>
/// The report session against the QoS 1 behaviour of the device's MQTT client (M2MqttLink models
/// nanoFramework.M2Mqtt 5.1.220; MqttClientRetry cites the source): a PUBACK later than the client's three
/// sends is a failed publish, the readings stay in flash and go again, and what the broker eventually holds
/// is every reading, each (boot, seq) with one time and one set of values, so the receivers' dedupe
/// (docs/protocol.md section 8) stores each exactly once.
/// </summary>
public class SlowPubackTests
{
    private const long LateMs = MqttClientRetry.GiveUpMs + 500;

    private sealed class Rig
    {
        public FakeClock Clock { get; } = new();
        public FakeEnvironment Env { get; } = new();
        public FakeAccelerometer Accel { get; } = new();
        public FakePower Power { get; } = new();
        public MemoryStorage Storage { get; } = new();
        public TagOptions Options { get; } = new() { Fleet = TagRig.Fleet, Container = TagRig.Container, Tag = TagRig.TagId };
        public M2MqttLink Link { get; }
        public TagController Controller { get; private set; } = null!;
        public int Sampled { get; private set; }

        public Rig() => Link = new M2MqttLink(Clock);

        public RunResult Wake(WakeCause cause)
        {
            Controller = new TagController(Options, Env, Accel, Clock, Storage, Link, Power);
            Env.Temperature += 0.01;
            var result = Controller.RunOnce(cause);
            Sampled += result.Sampled ? 1 : 0;
            Clock.Run(150);
            return result;
        }

        public RunResult SleepAndWake(RunResult last)
        {
            Clock.Sleep(last.NextSleepMs);
            return Wake(WakeCause.Timer);
        }

        /// <summary>Wakes until a report runs; returns its result.</summary>
        public RunResult UntilReport(RunResult last)
        {
            for (var i = 0; i < 1000; i++)
            {
                last = SleepAndWake(last);
                if (last.ReportAttempted)
                {
                    return last;
                }
            }
            throw new InvalidOperationException("no report");
        }
    }

    /// <summary>Every reading in the broker's telemetry copies: (boot, seq) -> (Unix ms, values as sent).</summary>
    private static List<((long Boot, long Seq) Key, string Reading)> BrokerReadings(M2MqttLink link)
    {
        var all = new List<((long, long), string)>();
        foreach (var copy in link.On("/telemetry"))
        {
            var root = JsonDocument.Parse(copy.Payload).RootElement;
            var boot = root.GetProperty("boot").GetInt64();
            var seq = root.GetProperty("seq").GetInt64();
            var t0 = root.GetProperty("t0").GetInt64();
            var i = 0;
            foreach (var r in root.GetProperty("r").EnumerateArray())
            {
                var values = string.Join(",", r.EnumerateArray().Skip(1).Select(v => v.GetRawText()));
                all.Add(((boot, seq + i), $"{t0 + r[0].GetInt64()}|{values}"));
                i++;
            }
        }
        return all;
    }

    /// <summary>Every sampled reading reached the broker, and all copies of one (boot, seq) are the same reading.</summary>
    private static void AssertNoneLostNoneDoubled(Rig rig)
    {
        var readings = BrokerReadings(rig.Link);
        var byKey = readings.GroupBy(r => r.Key).ToList();
        Assert.Equal(Enumerable.Range(0, rig.Sampled).Select(i => (1L, (long)i)), byKey.Select(g => g.Key).Order());
        foreach (var g in byKey)
        {
            Assert.Single(g.Select(r => r.Reading).Distinct());
        }
    }

    [Fact]
    public void The_session_waits_as_long_as_the_client_retries_and_a_margin_for_its_threads()
    {
        var options = new TagOptions();
        Assert.Equal(3000, MqttClientRetry.GiveUpMs);
        Assert.InRange(options.PublishTimeoutMs, MqttClientRetry.GiveUpMs + 1, MqttClientRetry.GiveUpMs + MqttClientRetry.SettleMarginMs);
    }

    [Fact]
    public void A_puback_after_the_third_send_is_a_failed_publish_and_the_readings_stay_in_flash_until_the_next_report()
    {
        var rig = new Rig();
        rig.Link.PubackDelayMs = (session, _, _) => session == 0 ? LateMs : 20;

        var first = rig.Wake(WakeCause.PowerOn);

        Assert.True(first.ReportAttempted);
        Assert.True(first.Connected);
        Assert.False(first.ReportSucceeded);
        Assert.Equal(0, first.ReadingsAcknowledged);
        Assert.Equal(1, rig.Controller.SpoolCount);
        // The client sent the batch three times (the resends with DUP) and then reported it not published.
        var sent = rig.Link.On("/telemetry").ToList();
        Assert.Equal([false, true, true], sent.Select(c => c.Dup));
        Assert.All(sent, c => Assert.False(rig.Link.Reported[c.MessageId]));
        // The wait ended when the client gave up, not at the session's timeout.
        Assert.Equal(MqttClientRetry.GiveUpMs, rig.Link.WaitEnds[0]);

        var next = rig.UntilReport(first);
        Assert.True(next.ReportSucceeded);
        Assert.Equal(rig.Sampled, next.ReadingsAcknowledged);
        Assert.Equal(0, rig.Controller.SpoolCount);
        AssertNoneLostNoneDoubled(rig);
    }

    [Fact]
    public void A_failed_session_is_retried_after_one_sample_interval_not_at_the_report_interval()
    {
        var rig = new Rig();
        rig.Link.PubackDelayMs = (session, _, _) => session == 0 ? LateMs : 20;
        var first = rig.Wake(WakeCause.PowerOn);
        var wakes = 0;
        var last = first;
        do
        {
            last = rig.SleepAndWake(last);
            wakes++;
        }
        while (!last.ReportAttempted);
        Assert.Equal(1, wakes);
        Assert.True(last.ReportSucceeded);
    }

    [Fact]
    public void A_puback_to_any_send_before_the_client_gives_up_counts_and_the_readings_leave_flash()
    {
        var rig = new Rig();
        // the first send's PUBACK comes 2.9 s late: the client has resent twice, still waits, takes it
        rig.Link.PubackDelayMs = (session, _, attempt) => session == 0 && attempt == 1 ? MqttClientRetry.GiveUpMs - 100 : null;

        var first = rig.Wake(WakeCause.PowerOn);

        Assert.True(first.ReportSucceeded);
        Assert.Equal(1, first.ReadingsAcknowledged);
        Assert.Equal(0, rig.Controller.SpoolCount);
        Assert.Equal(3, rig.Link.On("/telemetry").Count());
        Assert.All(rig.Link.On("/telemetry"), c => Assert.True(rig.Link.Reported[c.MessageId]));

        rig.Link.PubackDelayMs = (_, _, _) => 20;
        rig.UntilReport(first);
        AssertNoneLostNoneDoubled(rig);
        // once acknowledged, never sent again: the three copies are the first session's sends
        Assert.Equal(3, BrokerReadings(rig.Link).Count(r => r.Key == (1, 0)));
    }

    [Fact]
    public void A_publish_lost_on_all_three_sends_reaches_the_broker_once_in_the_next_session()
    {
        var rig = new Rig();
        rig.Link.Reaches = (session, _, _) => session != 0;

        var first = rig.Wake(WakeCause.PowerOn);

        Assert.False(first.ReportSucceeded);
        Assert.Equal(1, rig.Controller.SpoolCount);
        Assert.Empty(rig.Link.Broker);

        rig.UntilReport(first);
        AssertNoneLostNoneDoubled(rig);
        Assert.Equal(rig.Sampled, BrokerReadings(rig.Link).Count);
    }

    [Fact]
    public void Only_the_acknowledged_prefix_of_the_batches_leaves_flash_and_the_rest_goes_again()
    {
        var rig = new Rig();
        rig.Link.ConnectSucceeds = false;
        var last = rig.Wake(WakeCause.PowerOn);
        while (rig.Sampled < 150)
        {
            last = rig.SleepAndWake(last);
        }
        Assert.Equal(150, rig.Controller.SpoolCount);

        // 150 readings go in three batches (64, 64, 22); the second one's PUBACK is late on every send
        rig.Link.ConnectSucceeds = true;
        rig.Link.PubackDelayMs = (session, order, _) => session == 0 && order == 1 ? LateMs : 20;
        var report = rig.UntilReport(last);

        Assert.Equal(3, rig.Link.On("/telemetry").Select(c => c.MessageId).Distinct().Count());
        Assert.False(report.ReportSucceeded);
        Assert.Equal(64, report.ReadingsAcknowledged);
        Assert.Equal(rig.Sampled - 64, rig.Controller.SpoolCount);

        var next = rig.UntilReport(report);
        Assert.True(next.ReportSucceeded);
        Assert.Equal(0, rig.Controller.SpoolCount);
        AssertNoneLostNoneDoubled(rig);
        // the third batch was acknowledged in the failed session but stayed behind the gap: the broker got it
        // twice with the same times and values, which the receivers' dedupe takes once
        Assert.Contains(BrokerReadings(rig.Link).GroupBy(r => r.Key), g => g.Count() > 1);
    }

    [Fact]
    public void A_session_wait_shorter_than_the_clients_retries_loses_nothing_but_throws_away_a_puback_it_would_take()
    {
        var rig = new Rig();
        rig.Options.PublishTimeoutMs = MqttClientRetry.DelayMs;
        rig.Link.PubackDelayMs = (session, _, attempt) => session != 0 ? 20 : attempt == 1 ? MqttClientRetry.GiveUpMs - 100 : null;

        var first = rig.Wake(WakeCause.PowerOn);

        // the client took the PUBACK at 2.9 s, after Core stopped looking: a second copy goes in the next session
        Assert.False(first.ReportSucceeded);
        Assert.Equal(1, rig.Controller.SpoolCount);
        rig.UntilReport(first);
        AssertNoneLostNoneDoubled(rig);
    }
}
