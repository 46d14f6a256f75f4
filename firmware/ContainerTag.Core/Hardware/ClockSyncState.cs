namespace ContainerTag.Core.Hardware
{
    /// <summary>
    /// The clock's "synced" flag and last SNTP sync time, kept in storage so they survive deep sleep (the
    /// device restarts the app on every wake; there is no managed RTC memory). A cold boot clears them,
    /// which keeps <see cref="IClock.IsSynced"/>'s contract: true once synced, until the next cold boot.
    /// Written only when the flag changes or a re-sync happens, not every wake, to spare the flash.
    /// </summary>
    public class ClockSyncState
    {
        /// <summary>File name in the tag's storage.</summary>
        public const string FileName = "clocksync.bin";

        /// <summary>Re-sync over SNTP once a day: the ESP32 RTC slow clock drifts by seconds a day.</summary>
        public const long DefaultResyncIntervalMs = 24L * 3600 * 1000;

        private const int Size = 9;

        private readonly IStorage _storage;
        private readonly byte[] _buffer = new byte[Size];
        private readonly long _resyncIntervalMs;

        public ClockSyncState(IStorage storage, bool coldBoot, long resyncIntervalMs)
        {
            _storage = storage;
            _resyncIntervalMs = resyncIntervalMs;
            LastSyncMs = long.MinValue;
            if (coldBoot)
            {
                if (_storage.GetSize(FileName) >= 0)
                {
                    _storage.Delete(FileName);
                }
                return;
            }
            if (_storage.GetSize(FileName) == Size && _storage.Read(FileName, 0, _buffer, 0, Size) == Size && _buffer[0] == 1)
            {
                IsSynced = true;
                LastSyncMs = Storage.ByteCodec.GetI64(_buffer, 1);
            }
        }

        /// <summary>True once a sync happened in this boot (across deep sleeps).</summary>
        public bool IsSynced { get; private set; }

        /// <summary>Clock time of the last sync; long.MinValue when none.</summary>
        public long LastSyncMs { get; private set; }

        /// <summary>True when the clock was never synced in this boot or the last sync is older than the interval.</summary>
        public bool ResyncDue(long nowMs)
        {
            return !IsSynced || nowMs - LastSyncMs >= _resyncIntervalMs || nowMs < LastSyncMs;
        }

        /// <summary>Records a sync at the given (now correct) clock time.</summary>
        public void MarkSynced(long nowMs)
        {
            IsSynced = true;
            LastSyncMs = nowMs;
            _buffer[0] = 1;
            Storage.ByteCodec.PutI64(_buffer, 1, nowMs);
            _storage.Write(FileName, _buffer, 0, Size);
        }
    }
}
