using System.Text.Json;
using ContainerTag.Core.Control;
using ContainerTag.Core.Hardware;
using ContainerTag.Tests.Fakes;
using Xunit;

namespace ContainerTag.Tests;

/// <summary>Hardware faults the adapters note reach the status as sensor_err; readings go out as nulls.</summary>
public class SensorErrorTests
{

    private static JsonElement LastStatus(FakeUplink uplink) =>
        JsonDocument.Parse(uplink.Messages.Last(m => m.Topic.EndsWith("/status", StringComparison.Ordinal)).Payload).RootElement;

    private static int StatusCount(FakeUplink uplink) => uplink.Messages.Count(m => m.Topic.EndsWith("/status", StringComparison.Ordinal));

    [Fact]
    public void A_sensor_fault_is_reported_with_null_readings_and_the_tag_still_sleeps()
    {
        var rig = new TagRig();
        var env = new FailingEnvironment(rig.Options.Faults);
        var result = new TagController(rig.Options, env, rig.Accel, rig.Clock, rig.Storage, rig.Uplink, rig.Power).RunOnce(WakeCause.PowerOn);

        Assert.True(result.ReportSucceeded);
        Assert.Equal("bme280: i2c error", result.SensorError);
        Assert.Equal("bme280: i2c error", LastStatus(rig.Uplink).GetProperty("sensor_err").GetString());
        var telemetry = rig.Uplink.Messages.First(m => m.Topic.EndsWith("/telemetry", StringComparison.Ordinal));
        var reading = JsonDocument.Parse(telemetry.Payload).RootElement.GetProperty("r")[0];
        Assert.Equal(JsonValueKind.Null, reading[1].ValueKind);
        Assert.Equal(JsonValueKind.Null, reading[2].ValueKind);
        Assert.Equal(JsonValueKind.Null, reading[3].ValueKind);
        Assert.InRange(result.NextSleepMs, 1000, 300_000);
    }

    [Fact]
    public void A_fault_between_reports_survives_deep_sleep_until_a_report_carries_it_then_clears()
    {
        var rig = new TagRig();
        var env = new FailingEnvironment(rig.Options.Faults) { Fail = false };
        TagController Controller() => new(rig.Options, env, rig.Accel, rig.Clock, rig.Storage, rig.Uplink, rig.Power);

        var result = Controller().RunOnce(WakeCause.PowerOn);
        Assert.False(LastStatus(rig.Uplink).TryGetProperty("sensor_err", out _));
        int statuses = StatusCount(rig.Uplink);

        // one faulty wake without a report, then healthy wakes until the next report
        rig.Clock.Sleep(result.NextSleepMs);
        env.Fail = true;
        // a new FaultLog per boot, as on the device: only the persisted state carries the fault on
        result = Controller().RunOnce(WakeCause.Timer);
        Assert.False(result.ReportAttempted);
        env.Fail = false;
        rig.Options.Faults = new FaultLog();
        while (StatusCount(rig.Uplink) == statuses)
        {
            rig.Clock.Sleep(result.NextSleepMs);
            result = Controller().RunOnce(WakeCause.Timer);
        }
        Assert.Equal("bme280: i2c error", LastStatus(rig.Uplink).GetProperty("sensor_err").GetString());

        statuses = StatusCount(rig.Uplink);
        while (StatusCount(rig.Uplink) == statuses)
        {
            rig.Clock.Sleep(result.NextSleepMs);
            result = Controller().RunOnce(WakeCause.Timer);
        }
        Assert.False(LastStatus(rig.Uplink).TryGetProperty("sensor_err", out _));
    }

    [Fact]
    public void A_failed_report_keeps_the_fault_for_the_next_one()
    {
        var rig = new TagRig();
        rig.Uplink.ConnectSucceeds = false;
        rig.Options.Faults.Record("adxl343: absent or i2c error");
        var result = rig.Wake(WakeCause.PowerOn);
        Assert.False(result.ReportSucceeded);

        rig.Uplink.ConnectSucceeds = true;
        while (StatusCount(rig.Uplink) == 0)
        {
            result = rig.SleepAndWake(result);
        }
        Assert.Equal("adxl343: absent or i2c error", LastStatus(rig.Uplink).GetProperty("sensor_err").GetString());
    }
}
