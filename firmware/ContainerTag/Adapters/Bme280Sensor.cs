using System;
using System.Device.I2c;
using ContainerTag.Core.Hardware;
using ContainerTag.Device.Board;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.FilteringMode;
using Iot.Device.Bmxx80.ReadResult;

namespace ContainerTag.Device.Adapters
{
    /// <summary>BME280 in forced mode: one conversion per Read, the sensor sleeps (0.1 µA) in between.</summary>
    public class Bme280Sensor : IEnvironmentSensor
    {
        private readonly Bme280 _bme;
        private readonly FaultLog _faults;

        public Bme280Sensor(FaultLog faults)
        {
            _faults = faults;
            _bme = new Bme280(I2cDevice.Create(new I2cConnectionSettings(Pins.I2cBus, BoardConstants.Bme280Address)));
            // Weather-monitoring settings of the datasheet (section 3.5.1): 1x oversampling, no filter.
            _bme.TemperatureSampling = Sampling.UltraLowPower;
            _bme.PressureSampling = Sampling.UltraLowPower;
            _bme.HumiditySampling = Sampling.UltraLowPower;
            _bme.FilterMode = Bmx280FilteringMode.Off;
        }

        public void Read(out double temperatureC, out double humidityPct, out double pressureHpa)
        {
            temperatureC = double.NaN;
            humidityPct = double.NaN;
            pressureHpa = double.NaN;
            try
            {
                // Read() starts a forced conversion (the device is in sleep mode) and waits for it.
                Bme280ReadResult r = _bme.Read();
                if (!r.TemperatureIsValid || !r.HumidityIsValid || !r.PressureIsValid)
                {
                    _faults.Record("bme280: invalid reading");
                }
                if (r.TemperatureIsValid)
                {
                    temperatureC = r.Temperature.DegreesCelsius;
                }
                if (r.HumidityIsValid)
                {
                    humidityPct = r.Humidity.Percent;
                }
                if (r.PressureIsValid)
                {
                    pressureHpa = r.Pressure.Hectopascals;
                }
            }
            catch (Exception)
            {
                // A bus error leaves the channels NaN, as IEnvironmentSensor requires; the status says why.
                _faults.Record("bme280: i2c error");
            }
        }
    }
}
