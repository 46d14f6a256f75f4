using System;
using ContainerTag.Core.Hardware;
using nanoFramework.Hardware.Esp32;

namespace ContainerTag.Device.Adapters
{
    /// <summary>
    /// The ESP32 system time keeps running from the RTC through deep sleep, so DateTime.UtcNow is the
    /// continuous clock Core needs; it counts as synced once SNTP has set it (the uplink reports that).
    /// The flag lives in flash (ClockSyncState) because the app restarts on every wake from deep sleep.
    /// </summary>
    public class DeviceClock : IClock
    {
        private static readonly DateTime UnixEpoch = new DateTime(1970, 1, 1);

        /// <summary>Unix ms before which the clock cannot have been set (2024-01-01).</summary>
        private const long PlausibleMs = 1704067200000;

        private readonly ClockSyncState _sync;

        /// <param name="coldBoot">A power-on wake: the RTC time may be lost, so the flag starts false.</param>
        public DeviceClock(IStorage storage, bool coldBoot)
        {
            _sync = new ClockSyncState(storage, coldBoot, ClockSyncState.DefaultResyncIntervalMs);
        }

        public long NowMs
        {
            get { return (DateTime.UtcNow.Ticks - UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond; }
        }

        public bool IsSynced
        {
            get { return _sync.IsSynced; }
        }

        /// <summary>Microsecond timer since this boot/wake (HighResTimer.GetCurrent).</summary>
        public long UptimeMs
        {
            get { return (long)(HighResTimer.GetCurrent() / 1000); }
        }

        /// <summary>Called by the uplink after Wi-Fi came up with requiresDateTime and SNTP ran.</summary>
        public void MarkSynced()
        {
            long now = NowMs;
            if (now > PlausibleMs)
            {
                _sync.MarkSynced(now);
            }
        }

        /// <summary>The daily SNTP re-sync is due (or the clock was never synced in this boot).</summary>
        public bool ResyncDue
        {
            get { return _sync.ResyncDue(NowMs); }
        }
    }
}
