using System;
using System.Device.I2c;
using System.Numerics;
using ContainerTag.Core.Hardware;
using ContainerTag.Device.Board;
using Iot.Device.Adxl343Lib;
using UnitsNet;

namespace ContainerTag.Device.Adapters
{
    /// <summary>
    /// ADXL343 at ±16 g, full resolution (3.9 mg/LSB), 100 Hz low-power mode. The activity interrupt
    /// (AC-coupled, all axes) on INT1 wakes the ESP32; its threshold register has 62.5 mg steps.
    /// </summary>
    public class Adxl343Accelerometer : IAccelerometer
    {
        private const double GPerLsb = 0.0039;
        private const int BurstSamples = 20;

        private readonly Adxl343 _adxl;
        private readonly bool _wokeByShock;
        private readonly double _armedG;
        private readonly AccelThresholdStore _store;

        /// <param name="wokeByShock">This wake came from INT1: the event itself is over, but it was at
        /// least the armed threshold.</param>
        public Adxl343Accelerometer(bool wokeByShock, AccelThresholdStore store)
        {
            _adxl = new Adxl343(I2cDevice.Create(new I2cConnectionSettings(Pins.I2cBus, BoardConstants.Adxl343Address)), GravityRange.Range16);
            _adxl.TrySetDataFormat(false, false, false, true, false, GravityRange.Range16);
            _adxl.TrySetBWRates(true, OutputDataRate.Frequency100Hz);
            _adxl.TrySetPowerControl(false, false, true, false, WakeUpBits.Frequency8);
            _wokeByShock = wokeByShock;
            _store = store;
            _armedG = store.Load();
        }

        public double ReadPeakG()
        {
            // Dynamic part = deviation of each sample from the burst mean (gravity and offsets).
            Vector3 sample = new Vector3();
            double[] x = new double[BurstSamples];
            double[] y = new double[BurstSamples];
            double[] z = new double[BurstSamples];
            double mx = 0, my = 0, mz = 0;
            for (int i = 0; i < BurstSamples; i++)
            {
                if (!_adxl.TryGetAcceleration(ref sample))
                {
                    return _wokeByShock ? _armedG : double.NaN;
                }
                x[i] = sample.X * GPerLsb;
                y[i] = sample.Y * GPerLsb;
                z[i] = sample.Z * GPerLsb;
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
            double mg = thresholdG * 1000.0;
            if (mg > 15937.5)
            {
                mg = 15937.5;
            }
            _adxl.TrySetThresholdActivity(Mass.FromMilligrams(mg));
            // AC-coupled activity on X, Y and Z; no inactivity detection.
            _adxl.TrySetActiveInactiveControl(true, true, true, true, false, false, false, false);
            bool dataReady = false, singleTap = false, doubleTap = false, activity = true;
            bool inactivity = false, freeFall = false, watermark = false, overrun = false;
            // INT_MAP bit 0 routes an interrupt to INT1.
            bool mDataReady = false, mSingleTap = false, mDoubleTap = false, mActivity = false;
            bool mInactivity = false, mFreeFall = false, mWatermark = false, mOverrun = false;
            _adxl.TrySetInterruptMap(ref mDataReady, ref mSingleTap, ref mDoubleTap, ref mActivity, ref mInactivity, ref mFreeFall, ref mWatermark, ref mOverrun);
            _adxl.TrySetInterruptEnable(ref dataReady, ref singleTap, ref doubleTap, ref activity, ref inactivity, ref freeFall, ref watermark, ref overrun);
            _store.Save(thresholdG);
        }
    }
}
