using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

public sealed class FakeEnvironment : IEnvironmentSensor
{
    public double Temperature = 4.21;
    public double Humidity = 55.2;
    public double Pressure = 1013.2;
    public int Reads;

    public void Read(out double temperatureC, out double humidityPct, out double pressureHpa)
    {
        Reads++;
        temperatureC = Temperature;
        humidityPct = Humidity;
        pressureHpa = Pressure;
    }
}
