using System;
using System.Threading;
using ContainerTag.Core.Hardware;
using nanoFramework.Hardware.Esp32;

namespace ContainerTag.Device.Adapters
{
    /// <summary>
    /// The ESP32's raw clocks for Core's SntpClock. The system time keeps running from the RTC through deep sleep,
    /// so DateTime.UtcNow is the continuous clock Core needs, and SNTP sets it. HighResTimer counts from the wake
    /// and nothing sets it, so the difference of the two changes only when the time is set.
    /// </summary>
    public class DeviceTimeSource : ITimeSource
    {
        private static readonly DateTime UnixEpoch = new DateTime(1970, 1, 1);

        public long WallMs
        {
            get { return (DateTime.UtcNow.Ticks - UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond; }
        }

        /// <summary>Microsecond timer since this boot/wake (HighResTimer.GetCurrent).</summary>
        public long UptimeMs
        {
            get { return (long)(HighResTimer.GetCurrent() / 1000); }
        }

        public void Pause(int ms)
        {
            Thread.Sleep(ms);
        }
    }
}
