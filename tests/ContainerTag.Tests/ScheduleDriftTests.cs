using ContainerTag.Core.Control;
using ContainerTag.Core.Hardware;
using ContainerTag.Tests.Fakes;
using Xunit;

namespace ContainerTag.Tests;

/// <summary>The sample schedule keeps the configured period although every wake costs boot and awake time.</summary>
public class ScheduleDriftTests
{

    [Theory]
    [InlineData(130, 40)]
    [InlineData(900, 2500)]
    public void Readings_stay_exactly_one_period_apart_over_many_wakes(long bootMs, long measureMs)
    {
        var rig = new TagRig();
        var env = new TimedEnvironment(rig.Clock, measureMs);
        TagController Controller() => new(rig.Options, env, rig.Accel, rig.Clock, rig.Storage, rig.Uplink, rig.Power);

        rig.Clock.Run(bootMs);
        var result = Controller().RunOnce(WakeCause.PowerOn);
        for (int i = 0; i < 500; i++)
        {
            rig.Clock.Sleep(result.NextSleepMs);
            // the CLR boot before RunOnce, invisible to the sleep computation
            rig.Clock.Run(bootMs);
            result = Controller().RunOnce(WakeCause.Timer);
        }

        Assert.Equal(501, env.Stamps.Count);
        for (int i = 1; i < env.Stamps.Count; i++)
        {
            Assert.True(env.Stamps[i] - env.Stamps[i - 1] == 300_000, $"reading {i}: {env.Stamps[i] - env.Stamps[i - 1]} ms after the previous");
        }
    }
}
