using System.Text;
using System.Text.Json;
using ContainerTag.Core.Control;
using ContainerTag.Core.Hardware;
using ContainerTag.Tests.Fakes;
using Tracking.Testing;
using Tracking.Testing.Schema;
using Xunit;

namespace ContainerTag.Tests;

public class ControllerTests
{
    private static readonly SubsetSchemaValidator Schema = new(RepoPaths.Of("docs", "schema"));

    private static JsonElement Json(Published p) => JsonDocument.Parse(p.Payload).RootElement;

    private static List<long> Seqs(IEnumerable<Published> telemetry) =>
        telemetry.SelectMany(p =>
        {
            var root = Json(p);
            var first = root.GetProperty("seq").GetInt64();
            return Enumerable.Range(0, root.GetProperty("r").GetArrayLength()).Select(i => first + i);
        }).ToList();

    private static void AssertAllValid(FakeUplink uplink)
    {
        foreach (var m in uplink.Messages)
        {
            var schema = m.Topic.Split('/')[^1] + ".schema.json";
            Assert.True(m.Payload.Length <= 4096);
            var errors = Schema.Validate(schema, m.Text);
            Assert.True(errors.Count == 0, $"{m.Text}: {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public void First_boot_reports_with_will_status_and_topics_of_the_contract()
    {
        var rig = new TagRig();
        var result = rig.Wake(WakeCause.PowerOn);

        Assert.True(result.Sampled);
        Assert.True(result.ReportSucceeded);
        Assert.NotEqual(0, result.Reasons & ReportReason.FirstBoot);
        Assert.Equal(300_000, result.NextSleepMs);
        Assert.Equal("tag.fleet1.tag7", rig.Uplink.ClientId);
        Assert.Equal("tracking/v1/fleet1/CSQU3054383/tag7/status", rig.Uplink.WillTopic);
        Assert.Equal("{\"v\":1,\"online\":false}", Encoding.ASCII.GetString(rig.Uplink.WillPayload!));
        var telemetry = Assert.Single(rig.Uplink.On("/telemetry"));
        Assert.Equal("tracking/v1/fleet1/CSQU3054383/tag7/telemetry", telemetry.Topic);
        Assert.False(telemetry.Retain);
        Assert.Equal("{\"v\":1,\"boot\":1,\"seq\":0,\"t0\":1732600000000,\"bat\":3.92,\"r\":[[0,4.21,55.2,1013.2,0.12]]}", telemetry.Text);
        var status = Assert.Single(rig.Uplink.On("/status"));
        Assert.True(status.Retain);
        Assert.Equal(0, Json(status).GetProperty("spool").GetInt32());
        Assert.Equal(0, rig.Controller.SpoolCount);
        Assert.Equal(4.0, rig.Accel.ArmedThreshold);
        AssertAllValid(rig.Uplink);
    }

    [Fact]
    public void Samples_every_interval_and_reports_once_an_hour_in_one_batch()
    {
        var rig = new TagRig();
        var result = rig.Wake(WakeCause.PowerOn);
        var connects = rig.Uplink.Connects;
        for (var i = 1; i <= 11; i++)
        {
            result = rig.SleepAndWake(result);
            Assert.True(result.Sampled);
            Assert.False(result.ReportAttempted, $"wake {i} should not report");
            Assert.InRange(result.NextSleepMs, 299_000, 300_000);
        }
        Assert.Equal(connects, rig.Uplink.Connects);
        Assert.Equal(11, rig.Controller.SpoolCount);

        result = rig.SleepAndWake(result);
        Assert.True(result.ReportAttempted);
        Assert.Equal(ReportReason.Interval, result.Reasons);
        var batch = rig.Uplink.On("/telemetry").Last();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), Seqs([batch]));
        var root = Json(batch);
        Assert.Equal(1_732_600_000_000 + 300_000, root.GetProperty("t0").GetInt64());
        Assert.Equal(3_300_000, root.GetProperty("r")[11][0].GetInt64());
        Assert.Equal(0, rig.Controller.SpoolCount);
        AssertAllValid(rig.Uplink);
    }

    [Fact]
    public void Awake_time_is_taken_off_the_next_sleep()
    {
        var rig = new TagRig();
        rig.Uplink.OnConnect = () => rig.Clock.Run(4_000);
        var result = rig.Wake(WakeCause.PowerOn);
        Assert.Equal(296_000, result.NextSleepMs);
    }

    [Fact]
    public void Shock_wake_raises_an_event_reports_at_once_and_debounces()
    {
        var rig = new TagRig();
        var result = rig.Wake(WakeCause.PowerOn);
        rig.Clock.Sleep(100_000);
        rig.Accel.NextPeak = 6.4;
        var envReads = rig.Env.Reads;
        result = rig.Wake(WakeCause.Shock);

        Assert.False(result.Sampled);                 // a shock wake does not take an environment reading
        Assert.Equal(envReads, rig.Env.Reads);
        Assert.Equal(ReportReason.Shock, result.Reasons & ReportReason.Shock);
        Assert.True(result.ReportSucceeded);
        var ev = Json(rig.Uplink.On("/event").Single());
        Assert.Equal("shock", ev.GetProperty("kind").GetString());
        Assert.Equal(6.4, ev.GetProperty("g").GetDouble());
        Assert.Equal(1_732_600_100_000, ev.GetProperty("ts").GetInt64());
        Assert.InRange(result.NextSleepMs, 199_000, 200_000); // the sample schedule is kept

        rig.Clock.Sleep(30_000);
        rig.Accel.NextPeak = 9.0;
        result = rig.Wake(WakeCause.Shock);
        Assert.Equal(0, result.EventsRaised);          // within the 60 s debounce
        Assert.False(result.ReportAttempted);

        rig.Clock.Sleep(170_000);
        result = rig.Wake(WakeCause.Timer);            // the next reading carries the interval's peak
        Assert.True(result.Sampled);
        rig.Clock.Sleep(result.NextSleepMs);
        rig.Accel.NextPeak = 5.0;
        result = rig.Wake(WakeCause.Shock);
        Assert.Equal(1, result.EventsRaised);          // debounce over
        AssertAllValid(rig.Uplink);

        var readings = rig.Uplink.On("/telemetry").SelectMany(p => Json(p).GetProperty("r").EnumerateArray()).ToList();
        Assert.Contains(readings, r => r[4].GetDouble() == 9.0);
    }

    [Fact]
    public void Temperature_out_of_band_longer_than_the_delay_raises_one_event()
    {
        var rig = new TagRig();
        var result = rig.Wake(WakeCause.PowerOn);
        rig.Env.Temperature = 9.3;
        result = rig.SleepAndWake(result);     // out of band since now
        Assert.Equal(0, result.EventsRaised);
        result = rig.SleepAndWake(result);     // 300 s
        Assert.Equal(0, result.EventsRaised);
        Assert.False(result.ReportAttempted);
        result = rig.SleepAndWake(result);     // 600 s = t_delay_s
        Assert.Equal(1, result.EventsRaised);
        Assert.NotEqual(0, result.Reasons & ReportReason.Temperature);
        Assert.True(result.ReportSucceeded);
        var ev = Json(rig.Uplink.On("/event").Single());
        Assert.Equal("temp_high", ev.GetProperty("kind").GetString());
        Assert.Equal(9.3, ev.GetProperty("temp_c").GetDouble());
        result = rig.SleepAndWake(result);
        Assert.Equal(0, result.EventsRaised);  // one event per excursion

        rig.Env.Temperature = 5;
        result = rig.SleepAndWake(result);     // back in band
        rig.Env.Temperature = -1.5;
        result = rig.SleepAndWake(result);
        result = rig.SleepAndWake(result);
        result = rig.SleepAndWake(result);
        Assert.Equal(1, result.EventsRaised);
        Assert.Equal("temp_low", Json(rig.Uplink.On("/event").Last()).GetProperty("kind").GetString());
        AssertAllValid(rig.Uplink);
    }

    [Fact]
    public void Low_battery_raises_one_event_and_stretches_the_report_interval()
    {
        var rig = new TagRig();
        var result = rig.Wake(WakeCause.PowerOn);
        Assert.Equal(3600, Json(rig.Uplink.On("/status").Last()).GetProperty("report_s").GetInt32());
        rig.Power.BatteryVolts = 3.35;
        result = rig.SleepAndWake(result);
        Assert.Equal(1, result.EventsRaised);
        Assert.True(result.ReportSucceeded);
        Assert.Equal("battery_low", Json(rig.Uplink.On("/event").Single()).GetProperty("kind").GetString());
        Assert.Equal(14400, Json(rig.Uplink.On("/status").Last()).GetProperty("report_s").GetInt32());

        var connects = rig.Uplink.Connects;
        for (var i = 0; i < 47; i++)
        {
            result = rig.SleepAndWake(result);
            Assert.Equal(0, result.EventsRaised);
        }
        Assert.Equal(connects, rig.Uplink.Connects);   // no report for 4 hours
        result = rig.SleepAndWake(result);
        Assert.True(result.ReportAttempted);
        Assert.Equal(48, Seqs(rig.Uplink.On("/telemetry").TakeLast(1)).Count);
    }

    [Fact]
    public void Without_puback_nothing_is_deleted_and_the_same_readings_are_sent_again()
    {
        var rig = new TagRig();
        rig.Uplink.Mode = AckMode.None;
        var result = rig.Wake(WakeCause.PowerOn);
        Assert.False(result.ReportSucceeded);
        Assert.Equal(0, result.ReadingsAcknowledged);
        Assert.Equal(1, rig.Controller.SpoolCount);
        for (var i = 0; i < 3; i++) result = rig.SleepAndWake(result);
        Assert.Equal(4, rig.Controller.SpoolCount);

        rig.Uplink.Mode = AckMode.Fail;   // the client gives up: IsPublished = false
        rig.Clock.Sleep(3_600_000);
        result = rig.Wake(WakeCause.Timer);
        Assert.True(result.ReportAttempted);
        Assert.False(result.ReportSucceeded);
        Assert.Equal(5, rig.Controller.SpoolCount);

        rig.Uplink.Mode = AckMode.All;
        rig.Uplink.Messages.Clear();
        rig.Clock.Sleep(3_600_000);
        result = rig.Wake(WakeCause.Timer);
        Assert.True(result.ReportSucceeded);
        Assert.Equal([0L, 1, 2, 3, 4, 5], Seqs(rig.Uplink.On("/telemetry")));
        Assert.Equal(0, rig.Controller.SpoolCount);
    }

    [Fact]
    public void Only_the_acknowledged_prefix_is_deleted()
    {
        var rig = new TagRig(configure: o => o.SpoolCapacity = 1024);
        rig.Uplink.ConnectSucceeds = false;
        var result = rig.Wake(WakeCause.PowerOn);
        for (var i = 0; i < 149; i++) result = rig.SleepAndWake(result);
        Assert.Equal(150, rig.Controller.SpoolCount);

        rig.Uplink.ConnectSucceeds = true;
        // batches of 64, 64, 22: the second one fails, the third succeeds
        rig.Uplink.Decide = (n, p) => p.Topic.EndsWith("/telemetry") ? Seqs([p])[0] != 64 : null;
        rig.Clock.Sleep(3_600_000);
        result = rig.Wake(WakeCause.Timer);
        Assert.False(result.ReportSucceeded);
        Assert.Equal(64, result.ReadingsAcknowledged);
        Assert.Equal(151 - 64, rig.Controller.SpoolCount);   // the third batch is kept too: prefix only
        Assert.Equal(151 - 64, Json(rig.Uplink.On("/status").Last()).GetProperty("spool").GetInt32());

        rig.Uplink.Decide = null;
        rig.Uplink.Messages.Clear();
        rig.Clock.Sleep(rig.Controller.Config.SampleS * 1000L);
        result = rig.Wake(WakeCause.Timer);
        Assert.True(result.ReportSucceeded, $"{result.ReportAttempted} {result.Connected} {result.Reasons} {result.ReadingsAcknowledged} {string.Join(",", rig.Uplink.Messages.Select(m => m.Topic))}");
        Assert.Equal(Enumerable.Range(64, 152 - 64).Select(i => (long)i), Seqs(rig.Uplink.On("/telemetry")));
    }

    [Fact]
    public void Spool_and_counters_survive_reboots_and_boot_numbers_separate_batches()
    {
        var storage = new MemoryStorage();
        var rig = new TagRig(storage);
        rig.Uplink.ConnectSucceeds = false;
        var result = rig.Wake(WakeCause.PowerOn);
        for (var i = 0; i < 4; i++) result = rig.SleepAndWake(result);
        Assert.Equal(1, rig.Controller.Boot);

        rig.Clock.Sleep(10_000);
        result = rig.Wake(WakeCause.PowerOn);   // brown-out: new boot, seq restarts
        Assert.Equal(2, rig.Controller.Boot);
        Assert.Equal(6, rig.Controller.SpoolCount);

        rig.Uplink.ConnectSucceeds = true;
        rig.Clock.Sleep(1_000);
        result = rig.Wake(WakeCause.PowerOn);
        Assert.True(result.ReportSucceeded);
        var batches = rig.Uplink.On("/telemetry").Select(Json).ToList();
        Assert.Equal([(1L, 0L, 5), (2L, 0L, 1), (3L, 0L, 1)],
            batches.Select(b => (b.GetProperty("boot").GetInt64(), b.GetProperty("seq").GetInt64(), b.GetProperty("r").GetArrayLength())).ToList());
        Assert.Equal(3, Json(rig.Uplink.On("/status").Last()).GetProperty("boot").GetInt64());
    }

    [Fact]
    public void Lost_state_never_reuses_a_boot_number_of_spooled_data()
    {
        var storage = new MemoryStorage();
        var rig = new TagRig(storage);
        rig.Uplink.ConnectSucceeds = false;
        var result = rig.Wake(WakeCause.PowerOn);
        result = rig.SleepAndWake(result);
        storage.Delete("st.a");
        storage.Delete("st.b");
        rig.Clock.Sleep(1000);
        rig.Wake(WakeCause.PowerOn);
        Assert.Equal(2, rig.Controller.Boot);
    }

    [Fact]
    public void Good_config_is_applied_and_kept_across_reboot_bad_config_is_reported()
    {
        var storage = new MemoryStorage();
        var rig = new TagRig(storage);
        const string topic = "tracking/v1/fleet1/CSQU3054383/tag7/config";
        rig.Uplink.Retained[topic] = Encoding.UTF8.GetBytes("{\"v\":1,\"sample_s\":60,\"report_s\":600,\"t_lo\":-25,\"t_hi\":-15,\"t_delay_s\":300,\"shock_g\":2.5,\"bat_lo\":3.3,\"comment\":\"frozen\"}");
        var result = rig.Wake(WakeCause.PowerOn);
        Assert.True(result.ConfigChanged);
        Assert.Equal(60_000, result.NextSleepMs);
        Assert.Equal(2.5, rig.Accel.ArmedThreshold);

        rig.Uplink.Retained.Remove(topic);
        rig.Clock.Sleep(5000);
        var fresh = new TagRig(storage);   // other process, same flash
        fresh.Clock.NowMs = rig.Clock.NowMs;
        Assert.Equal(60, fresh.Controller.Config.SampleS);
        Assert.Equal(-15, fresh.Controller.Config.TempHighC);

        rig.Uplink.Retained[topic] = Encoding.UTF8.GetBytes("{\"v\":1,\"sample_s\":5,\"report_s\":600,\"t_lo\":2,\"t_hi\":8,\"t_delay_s\":300,\"shock_g\":2.5,\"bat_lo\":3.3}");
        rig.Clock.Sleep(600_000);
        result = rig.Wake(WakeCause.Timer);
        Assert.True(result.ReportAttempted);
        Assert.False(result.ConfigChanged);
        Assert.Equal("sample_s: out of range 10..86400", result.ConfigError);
        Assert.Equal(60, rig.Controller.Config.SampleS);
        var status = Json(rig.Uplink.On("/status").Last());
        Assert.Equal("sample_s: out of range 10..86400", status.GetProperty("cfg_err").GetString());

        rig.Uplink.Retained[topic] = Encoding.UTF8.GetBytes("\u0000\u00ff garbage");
        rig.Clock.Sleep(600_000);
        result = rig.Wake(WakeCause.Timer);
        Assert.NotNull(result.ConfigError);
        Assert.Equal(60, rig.Controller.Config.SampleS);
        AssertAllValid(rig.Uplink);
    }

    [Fact]
    public void Unsynced_readings_go_out_as_a0_until_the_clock_is_synced_then_with_exact_t0()
    {
        var rig = new TagRig();
        rig.Clock.IsSynced = false;
        rig.Clock.NowMs = 5_000;               // free-running clock after power-on
        const long realStart = 1_732_600_000_000;
        var trueNow = realStart;

        rig.Uplink.Mode = AckMode.All;
        var result = rig.Wake(WakeCause.PowerOn);   // connects, but no SNTP yet
        var first = Json(rig.Uplink.On("/telemetry").Single());
        Assert.Equal(0, first.GetProperty("a0").GetInt64());
        Assert.False(first.TryGetProperty("t0", out _));

        rig.Uplink.ConnectSucceeds = false;
        for (var i = 0; i < 3; i++)
        {
            rig.Clock.Sleep(result.NextSleepMs);
            result = rig.Wake(WakeCause.Timer);
        }
        trueNow += 3 * 300_000;

        // the next session's network bring-up syncs the clock (SNTP), 2.5 s into the wake
        rig.Uplink.ConnectSucceeds = true;
        rig.Uplink.OnConnect = () =>
        {
            rig.Clock.Run(2_500);
            rig.Clock.NowMs = trueNow + 2_500;
            rig.Clock.IsSynced = true;
        };
        rig.Clock.Sleep(3_600_000 - 900_000);
        trueNow += 3_600_000 - 900_000;
        rig.Uplink.Messages.Clear();
        result = rig.Wake(WakeCause.Timer);
        Assert.True(result.ReportSucceeded);
        var batch = Json(rig.Uplink.On("/telemetry").Single());
        Assert.False(batch.TryGetProperty("t_est", out _));
        // first spooled reading was taken at the 300 s wake
        Assert.Equal(realStart + 300_000, batch.GetProperty("t0").GetInt64());
        Assert.Equal(3_300_000, batch.GetProperty("r")[3][0].GetInt64()); // the sync wake's own reading
        rig.Uplink.OnConnect = null;
        rig.Clock.Sleep(result.NextSleepMs);
        rig.Wake(WakeCause.Timer);
        AssertAllValid(rig.Uplink);
    }

    [Fact]
    public void Readings_from_a_boot_that_never_synced_are_flagged_as_estimates()
    {
        var rig = new TagRig();
        rig.Clock.IsSynced = false;
        rig.Clock.NowMs = 1_000;
        rig.Uplink.ConnectSucceeds = false;
        var result = rig.Wake(WakeCause.PowerOn);
        result = rig.SleepAndWake(result);

        rig.Clock.NowMs = 2_000;              // power cut: the clock restarts, the downtime is unknown
        rig.Clock.UptimeMs = 0;
        rig.Uplink.ConnectSucceeds = true;
        result = rig.Wake(WakeCause.PowerOn);
        Assert.True(result.ReportSucceeded);
        var batches = rig.Uplink.On("/telemetry").Select(Json).ToList();
        Assert.Equal(2, batches.Count);
        Assert.True(batches[0].GetProperty("t_est").GetBoolean());
        Assert.Equal(300_000, batches[0].GetProperty("a0").GetInt64());  // lower bound: downtime taken as 0
        Assert.False(batches[1].TryGetProperty("t_est", out _));
        Assert.Equal(0, batches[1].GetProperty("a0").GetInt64());
        AssertAllValid(rig.Uplink);
    }

    [Fact]
    public void Failed_reports_back_off_and_urgent_events_wait_a_sample_interval()
    {
        var rig = new TagRig();
        rig.Uplink.ConnectSucceeds = false;
        var attempts = new List<int>();
        var result = rig.Wake(WakeCause.PowerOn);
        for (var wake = 1; wake <= 48; wake++)
        {
            result = rig.SleepAndWake(result);
            if (result.ReportAttempted) attempts.Add(wake);
        }
        // 5, 10, 20, 40 min, then hourly
        Assert.Equal([1, 3, 7, 15, 27, 39], attempts);
    }

    [Fact]
    public void Spool_nearly_full_triggers_a_report_before_the_interval()
    {
        var rig = new TagRig(configure: o => { o.SpoolCapacity = 128; o.RecordsPerBlock = 8; o.DefaultConfig.ReportS = 86400; });
        var result = rig.Wake(WakeCause.PowerOn);
        var wakes = 0;
        do
        {
            result = rig.SleepAndWake(result);
            wakes++;
        }
        while (!result.ReportAttempted);
        Assert.Equal(ReportReason.SpoolNearlyFull, result.Reasons);
        Assert.Equal(96, wakes);
    }

    [Fact]
    public void Long_outage_thins_and_reports_the_count_in_status()
    {
        var rig = new TagRig(configure: o => { o.SpoolCapacity = 128; o.RecordsPerBlock = 8; });
        rig.Uplink.ConnectSucceeds = false;
        var result = rig.Wake(WakeCause.PowerOn);
        for (var i = 0; i < 400; i++) result = rig.SleepAndWake(result);
        Assert.True(rig.Controller.SpoolCount <= 128);
        var thinned = rig.Controller.ThinnedTotal;
        Assert.Equal(401 - rig.Controller.SpoolCount, thinned);

        rig.Uplink.ConnectSucceeds = true;
        rig.Uplink.Messages.Clear();
        result = rig.SleepAndWake(result);
        Assert.True(result.ReportSucceeded);
        var status = Json(rig.Uplink.On("/status").Last());
        Assert.Equal(thinned, status.GetProperty("thinned").GetInt64());
        Assert.Equal(0, status.GetProperty("spool").GetInt32());
        var seqs = Seqs(rig.Uplink.On("/telemetry"));
        Assert.Equal(seqs.OrderBy(s => s), seqs);
        Assert.Equal(402 - thinned, seqs.Count);
        AssertAllValid(rig.Uplink);
    }

    [Fact]
    public void Status_reports_energy_counters_and_battery_life()
    {
        var rig = new TagRig();
        rig.Uplink.OnConnect = () => rig.Clock.Run(3_000);
        var result = rig.Wake(WakeCause.PowerOn);
        for (var i = 0; i < 12; i++) result = rig.SleepAndWake(result);
        var status = Json(rig.Uplink.On("/status").Last());
        Assert.Equal(13, status.GetProperty("wakes").GetInt64());
        Assert.Equal(6_000, status.GetProperty("radio_ms").GetInt64());
        var life = status.GetProperty("life_d").GetInt32();
        Assert.InRange(life, 100, 3000);
        Assert.Equal(-67, status.GetProperty("rssi").GetInt32());
    }
}
