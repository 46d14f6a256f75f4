using ContainerTag.Core.Hardware;

namespace ContainerTag.Device.Adapters
{
    /// <summary>Stands in for a BME280 that did not answer at start-up: every channel NaN (sent as null).</summary>
    public class MissingEnvironmentSensor : IEnvironmentSensor
    {
        public void Read(out double temperatureC, out double humidityPct, out double pressureHpa)
        {
            temperatureC = double.NaN;
            humidityPct = double.NaN;
            pressureHpa = double.NaN;
        }
    }
}
