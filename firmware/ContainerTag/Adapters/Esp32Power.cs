using System;
using System.Device.Adc;
using System.Device.Gpio;
using System.Threading;
using ContainerTag.Core.Hardware;
using ContainerTag.Device.Board;
using nanoFramework.Hardware.Esp32;

namespace ContainerTag.Device.Adapters
{
    /// <summary>Battery through the switched divider, wake cause, and deep sleep with timer + shock pin.</summary>
    public class Esp32Power : IPower
    {
        private readonly GpioController _gpio;

        public Esp32Power(GpioController gpio)
        {
            _gpio = gpio;
        }

        public double BatteryVolts
        {
            get
            {
                try
                {
                    GpioPin enable = _gpio.OpenPin(Pins.BatteryDividerEnable, PinMode.Output);
                    enable.Write(PinValue.High);
                    Thread.Sleep(BoardConstants.DividerSettleMs);
                    AdcController adc = new AdcController();
                    AdcChannel channel = adc.OpenChannel(Pins.BatteryAdcChannel);
                    int raw = channel.ReadValue();
                    channel.Dispose();
                    enable.Write(PinValue.Low);
                    enable.Dispose();
                    return raw * BoardConstants.AdcFullScaleVolts * BoardConstants.BatteryDividerRatio / adc.MaxValue;
                }
                catch (Exception)
                {
                    return double.NaN;
                }
            }
        }

        public WakeCause GetWakeCause()
        {
            Sleep.WakeupCause cause = Sleep.GetWakeupCause();
            if (cause == Sleep.WakeupCause.Timer)
            {
                return WakeCause.Timer;
            }
            if (cause == Sleep.WakeupCause.Ext0)
            {
                return WakeCause.Shock;
            }
            return WakeCause.PowerOn;
        }

        public void DeepSleep(long durationMs)
        {
            Sleep.EnableWakeupByTimer(TimeSpan.FromTicks(durationMs * TimeSpan.TicksPerMillisecond));
            // ext0 wake: INT1 is active high.
            Sleep.EnableWakeupByPin((Sleep.WakeupGpioPin)((ulong)1 << Pins.AccelInterrupt), 1);
            Sleep.StartDeepSleep();
        }
    }
}
