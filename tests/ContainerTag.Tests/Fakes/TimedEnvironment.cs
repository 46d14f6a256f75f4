using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

/// <summary>Records when each measurement was taken and lets the measurement itself take time.</summary>
public sealed class TimedEnvironment(FakeClock clock, long measureMs) : IEnvironmentSensor
{
    public List<long> Stamps { get; } = [];

    public void Read(out double temperatureC, out double humidityPct, out double pressureHpa)
    {
        Stamps.Add(clock.NowMs);
        clock.Run(measureMs);
        temperatureC = 4.2;
        humidityPct = 55;
        pressureHpa = 1013;
    }
}
