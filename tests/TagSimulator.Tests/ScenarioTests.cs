using ContainerTag.Core.Protocol;
using TagSimulator.Fleet;
using TagSimulator.Models;
using static TagSimulator.Tests.SimRuns;

namespace TagSimulator.Tests;

public sealed class ScenarioTests
{
    [Fact]
    public void Same_seed_gives_an_identical_manifest_and_another_seed_a_different_one()
    {
        byte[] a = FleetManifestJson(seed: 7, tags: 12, duration: "2d");
        byte[] b = FleetManifestJson(seed: 7, tags: 12, duration: "2d");
        byte[] c = FleetManifestJson(seed: 8, tags: 12, duration: "2d");
        Assert.True(a.Length > 12 * 500 * 30, $"manifest only {a.Length} bytes");
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Compressor_failure_drifts_warm_beyond_t_hi_and_raises_temp_high()
    {
        long failure = Start + 12 * Hour;
        var tag = RunOne(Quiet(48 * Hour, failureAt: failure));
        var m = tag.Manifest!;
        var before = m.Between(Start, failure).ToList();
        Assert.True(before.Count > 100);
        Assert.All(before, r => Assert.InRange(r.TempC!.Value, 4.0, 6.0)); // set point 5 +- compressor cycle and noise
        var late = m.Between(failure + 12 * Hour, Start + 48 * Hour).ToList();
        Assert.All(late, r => Assert.True(r.TempC > new TagConfig().TempHighC, $"{r.TempC} at {r.TimeMs}"));
        // warming monotonically on the hourly means (the drift, not noise)
        var hourly = m.Between(failure, Start + 48 * Hour).GroupBy(r => r.TimeMs / Hour).Select(g => g.Average(r => r.TempC!.Value)).ToList();
        for (int i = 1; i < hourly.Count; i++) Assert.True(hourly[i] > hourly[i - 1] - 0.05, $"hour {i}: {hourly[i]} after {hourly[i - 1]}");
        var high = Assert.Single(m.Events, e => e.Kind == "temp_high");
        Assert.True(high.Value > 8.0);
        Assert.InRange(high.TimeMs!.Value, failure, failure + 6 * Hour);
    }

    [Fact]
    public void Air_leg_drops_the_pressure_to_cabin_level_and_back()
    {
        var leg = new TimeWindow(Start + 6 * Hour, Start + 16 * Hour);
        var tag = RunOne(Quiet(24 * Hour, air: leg));
        var m = tag.Manifest!;
        var cruise = m.Between(leg.StartMs + Hour, leg.EndMs - Hour).ToList();
        Assert.True(cruise.Count >= 90);
        Assert.All(cruise, r => Assert.InRange(r.PressureHpa!.Value, 750, 850));
        var ground = m.Between(Start, leg.StartMs).Concat(m.Between(leg.EndMs + Hour, Start + 24 * Hour)).ToList();
        Assert.True(ground.Count >= 90);
        Assert.All(ground, r => Assert.InRange(r.PressureHpa!.Value, 990, 1035));
    }

    [Fact]
    public void Shocks_above_the_threshold_wake_the_tag_and_raise_events_smaller_ones_only_show_as_peaks()
    {
        long hard = Start + 5 * Hour + 123_456;
        long soft = Start + 9 * Hour + 7_000;
        var tag = RunOne(Quiet(12 * Hour, shocks: [new Shock(hard, 6.5), new Shock(soft, 2.0)]));
        var m = tag.Manifest!;
        var shock = Assert.Single(m.Events, e => e.Kind == "shock");
        Assert.Equal(6.5, shock.Value);
        // woken by the interrupt: stamped at the wake (the shock plus the boot), not at the next sample
        Assert.InRange(shock.TimeMs!.Value, hard, hard + 1000);
        Assert.Contains(m.Readings, r => r.PeakG == 6.5 && r.TimeMs > hard && r.TimeMs <= hard + 300_000);
        Assert.Contains(m.Readings, r => r.PeakG == 2.0 && r.TimeMs > soft && r.TimeMs <= soft + 300_000);
        Assert.All(m.Readings.Where(r => r.PeakG is not (6.5 or 2.0)), r => Assert.True(r.PeakG < 0.5));
    }

    [Fact]
    public void Readings_taken_offline_are_delivered_as_a_backlog_when_coverage_returns()
    {
        var gap = new TimeWindow(Start + 6 * Hour, Start + 18 * Hour);
        var tag = RunOne(Quiet(30 * Hour, offline: [gap]));
        var m = tag.Manifest!;
        Assert.True(tag.Uplink.FailedConnects >= 10, $"{tag.Uplink.FailedConnects} failed connects");
        var inGap = m.Between(gap.StartMs, gap.EndMs).ToList();
        Assert.InRange(inGap.Count, 140, 146); // 12 h at 5 min
        // nothing lost: one boot, seq 0..n-1 without holes, all with exact times
        var seqs = m.Readings.Select(r => r.Seq).OrderBy(s => s).ToList();
        Assert.Equal(Enumerable.Range(0, seqs.Count).Select(i => (long)i), seqs);
        Assert.All(m.Readings, r => Assert.NotNull(r.TimeMs));
        Assert.True(tag.Controller.SpoolCount <= 13, $"{tag.Controller.SpoolCount} readings left in flash");
    }

    [Fact]
    public void A_cold_reboot_without_coverage_starts_a_new_boot_and_its_readings_still_arrive()
    {
        var gap = new TimeWindow(Start + 6 * Hour, Start + 12 * Hour);
        var scenario = Quiet(20 * Hour, offline: [gap]);
        scenario = new TagScenario
        {
            StartMs = scenario.StartMs, EndMs = scenario.EndMs, SetPointC = scenario.SetPointC, AmbientC = scenario.AmbientC,
            CabinHpa = scenario.CabinHpa, Offline = scenario.Offline, InitialStateOfCharge = scenario.InitialStateOfCharge,
            SensorFailureRate = 0, NoiseSeed = 42, ColdReboots = [Start + 8 * Hour],
        };
        var tag = RunOne(scenario);
        var m = tag.Manifest!;
        Assert.Equal([1L, 2L], m.Readings.Select(r => r.Boot).Distinct().Order().ToArray());
        // boot 2 starts its sequence again and loses nothing
        var second = m.Readings.Where(r => r.Boot == 2).Select(r => r.Seq).Order().ToList();
        Assert.Equal(Enumerable.Range(0, second.Count).Select(i => (long)i), second);
        // 12 h at 5 min from the reboot to the end; all acknowledged, anchored once the clock synced
        Assert.InRange(second.Count, 144 - 14, 146);
        Assert.All(m.Readings.Where(r => r.Boot == 2), r => Assert.NotNull(r.TimeMs));
        Assert.True(tag.Controller.SpoolCount <= 13, $"{tag.Controller.SpoolCount} readings left in flash");
    }

    [Fact]
    public void A_reset_without_an_ntp_reply_sends_its_readings_with_a0_until_a_session_syncs_the_clock()
    {
        var noNtp = new TimeWindow(Start + 7 * Hour + 30 * 60_000, Start + 11 * Hour);
        var tag = RunOne(Rebooting([Start + 8 * Hour], offline: [], sntpOutages: [noNtp]));
        var second = tag.Manifest!.Readings.Where(r => r.Boot == 2).ToList();

        Assert.Equal(Enumerable.Range(0, second.Count).Select(i => (long)i), second.Select(r => r.Seq).Order());
        // sent while the clock was unsynced: an age (a0), no time of their own
        Assert.Contains(second, r => r.TimeMs is null);
        Assert.All(second.Where(r => r.TimeMs is null), r => Assert.False(r.Estimated));
        // once a session outside the outage synced the clock, the boot's later readings go with exact t0
        Assert.Contains(second, r => r.TimeMs is not null);
        Assert.All(second, r => Assert.False(r.Estimated));
    }

    [Fact]
    public void A_second_reset_before_any_sync_sends_the_first_resets_readings_with_t_est()
    {
        var gap = new TimeWindow(Start + 7 * Hour, Start + 13 * Hour);
        var tag = RunOne(Rebooting([Start + 8 * Hour, Start + 10 * Hour], offline: [gap], sntpOutages: []));
        var m = tag.Manifest!;
        Assert.Equal([1L, 2L, 3L], m.Readings.Select(r => r.Boot).Distinct().Order().ToArray());

        // boot 2 never saw a sync: placed on boot 3's clock as if the tag had been off for no time (protocol.md 7.3)
        var second = m.Readings.Where(r => r.Boot == 2).ToList();
        Assert.InRange(second.Count, 23, 25); // 2 h at 5 min
        Assert.All(second, r => Assert.True(r.Estimated && r.TimeMs is not null, $"seq {r.Seq}"));
        // their true time is earlier than the estimate by the unknown off time, never later
        Assert.All(second, r => Assert.InRange(r.TimeMs!.Value, Start + 8 * Hour, Start + 10 * Hour + 5 * 60_000));
        // boot 3 was synced at the end of the gap: exact
        Assert.All(m.Readings.Where(r => r.Boot == 3), r => Assert.False(r.Estimated));
        Assert.All(m.Readings.Where(r => r.Boot != 2), r => Assert.NotNull(r.TimeMs));
    }

    private static TagScenario Rebooting(IReadOnlyList<long> reboots, IReadOnlyList<TimeWindow> offline, IReadOnlyList<TimeWindow> sntpOutages)
    {
        var q = Quiet(20 * Hour, offline: offline);
        return new TagScenario
        {
            StartMs = q.StartMs, EndMs = q.EndMs, SetPointC = q.SetPointC, AmbientC = q.AmbientC, CabinHpa = q.CabinHpa,
            Offline = q.Offline, InitialStateOfCharge = q.InitialStateOfCharge, SensorFailureRate = 0, NoiseSeed = 42,
            ColdReboots = reboots, SntpOutages = sntpOutages,
        };
    }

    [Fact]
    public void A_weak_cell_discharges_and_raises_battery_low()
    {
        var tag = RunOne(Quiet(10 * 24 * Hour, soc: 0.025));
        Assert.True(tag.Battery.UsedMah > 10);
        var low = Assert.Single(tag.Manifest!.Events, e => e.Kind == "battery_low");
        Assert.True(low.Value <= 3.4, $"{low.Value} V"); // sent in 0.01 V
    }

    [Fact]
    public void Container_ids_are_distinct_valid_iso_6346_numbers_and_reproducible()
    {
        string[] ids = ContainerIds.Generate(3, 500);
        Assert.Equal(500, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(TagIdentity.IsValidContainer(id), id));
        Assert.Equal(ids, ContainerIds.Generate(3, 500));
        Assert.NotEqual(ids, ContainerIds.Generate(4, 500));
    }

    [Theory]
    [InlineData("30d", 30 * 86_400_000L)]
    [InlineData("6h", 6 * 3_600_000L)]
    [InlineData("90m", 90 * 60_000L)]
    [InlineData("1.5h", 90 * 60_000L)]
    [InlineData("45", 45_000L)]
    public void Durations_parse(string text, long ms) => Assert.Equal(ms, SimulatorOptions.ParseDuration(text));

    [Theory]
    [InlineData("--duration", "0h")]
    [InlineData("--duration", "soon")]
    [InlineData("--speed", "-1")]
    [InlineData("--broker", "localhost")]
    [InlineData("--fleet", "a/b")]
    [InlineData("--tags", "0")]
    public void Bad_flags_are_rejected(string flag, string value) =>
        Assert.Throws<ArgumentException>(() => SimulatorOptions.Parse([flag, value]));
}
