namespace ContainerTag.Core.Hardware
{
    /// <summary>BME280 (or a simulated one): one forced-mode measurement per call.</summary>
    public interface IEnvironmentSensor
    {
        /// <summary>
        /// Takes one measurement. A channel that failed or is invalid is returned as double.NaN; the
        /// adapter catches bus errors itself and reports them as NaN rather than throwing.
        /// </summary>
        void Read(out double temperatureC, out double humidityPct, out double pressureHpa);
    }
}
