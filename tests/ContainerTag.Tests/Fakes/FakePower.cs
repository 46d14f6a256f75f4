using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

public sealed class FakePower : IPower
{
    public double BatteryVolts { get; set; } = 3.92;
    public WakeCause Cause = WakeCause.PowerOn;
    public long LastSleepMs = -1;

    public WakeCause GetWakeCause() => Cause;

    public void DeepSleep(long durationMs) => LastSleepMs = durationMs;
}
