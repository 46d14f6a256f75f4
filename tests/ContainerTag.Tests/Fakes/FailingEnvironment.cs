using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

/// <summary>A BME280 adapter whose bus fails: NaN channels plus the reason, as Bme280Sensor does.</summary>
public sealed class FailingEnvironment(FaultLog faults) : IEnvironmentSensor
{
    public bool Fail = true;

    public void Read(out double temperatureC, out double humidityPct, out double pressureHpa)
    {
        temperatureC = humidityPct = pressureHpa = Fail ? double.NaN : 5;
        if (Fail)
        {
            faults.Record("bme280: i2c error");
        }
    }
}
