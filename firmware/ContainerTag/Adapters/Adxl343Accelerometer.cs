using System;
using System.Device.I2c;
using ContainerTag.Core.Hardware;
using ContainerTag.Device.Board;

namespace ContainerTag.Device.Adapters
{
    /// <summary>
    /// ADXL343 at ±16 g, full resolution (3.9 mg/LSB), 100 Hz low-power mode, programmed register by register
    /// through Core's Adxl343Chip (the Iot.Device.Adxl343 binding writes the wrong interrupt registers, see
    /// there). The activity interrupt (AC-coupled, all axes) on INT1 wakes the ESP32 (ext0, level high).
    /// </summary>
    public class Adxl343Accelerometer : IAccelerometer
    {
        private const int BurstSamples = 20;

        private readonly Adxl343Chip _chip;
        private readonly bool _wokeByShock;
        private readonly double _armedG;
        private readonly AccelThresholdStore _store;
        private readonly bool _present;
        private readonly FaultLog _faults;

        /// <param name="wokeByShock">This wake came from INT1: the event itself is over, but it was at
        /// least the armed threshold.</param>
        public Adxl343Accelerometer(bool wokeByShock, AccelThresholdStore store, FaultLog faults)
        {
            _faults = faults;
            _chip = new Adxl343Chip(new I2cRegisterBus(I2cDevice.Create(new I2cConnectionSettings(Pins.I2cBus, BoardConstants.Adxl343Address))));
            _wokeByShock = wokeByShock;
            _store = store;
            _armedG = store.Load();
            // Clear the latched interrupt first, on every wake, so INT1 is low before the next deep sleep.
            _present = _chip.ClearLatched() >= 0 && _chip.IsPresent() && _chip.Configure();
            if (!_present)
            {
                _faults.Record("adxl343: absent or i2c error");
            }
        }

        public double ReadPeakG()
        {
            if (!_present)
            {
                return _wokeByShock ? _armedG : double.NaN;
            }
            // Dynamic part = deviation of each sample from the burst mean (gravity and offsets).
            double[] x = new double[BurstSamples];
            double[] y = new double[BurstSamples];
            double[] z = new double[BurstSamples];
            double mx = 0, my = 0, mz = 0;
            for (int i = 0; i < BurstSamples; i++)
            {
                int cx, cy, cz;
                if (!_chip.ReadCounts(out cx, out cy, out cz))
                {
                    _faults.Record("adxl343: i2c error");
                    return _wokeByShock ? _armedG : double.NaN;
                }
                x[i] = cx * Adxl343Chip.GPerLsb;
                y[i] = cy * Adxl343Chip.GPerLsb;
                z[i] = cz * Adxl343Chip.GPerLsb;
                mx += x[i];
                my += y[i];
                mz += z[i];
                System.Threading.Thread.Sleep(10);
            }
            mx /= BurstSamples;
            my /= BurstSamples;
            mz /= BurstSamples;
            double peak = 0;
            for (int i = 0; i < BurstSamples; i++)
            {
                double dx = x[i] - mx, dy = y[i] - my, dz = z[i] - mz;
                double m = Math.Sqrt(dx * dx + dy * dy + dz * dz);
                if (m > peak)
                {
                    peak = m;
                }
            }
            if (_wokeByShock && _armedG > peak)
            {
                peak = _armedG;
            }
            return peak;
        }

        public void ArmWake(double thresholdG)
        {
            if (_present && _chip.ArmActivityWake(thresholdG))
            {
                _store.Save(thresholdG);
            }
            else if (_present)
            {
                _faults.Record("adxl343: arming failed");
            }
        }
    }
}
