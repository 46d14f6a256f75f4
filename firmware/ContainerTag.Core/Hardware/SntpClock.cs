namespace ContainerTag.Core.Hardware
{
    /// <summary>
    /// The tag's IClock over the system time that the network stack's SNTP client sets. nanoFramework.Networking.Sntp
    /// 1.6.42 (github.com/nanoframework/nanoFramework.Networking.Sntp at tag v1.6.42, nanoFramework.Networking.Sntp/Sntp.cs)
    /// has Start, Stop, UpdateNow ("performs a restart of the internal service"), IsStarted and the server names:
    /// no event and no "last sync" property, so the call does not say whether or when the time was set. This
    /// clock therefore counts a sync only when it sees one: between <see cref="BeginSync"/> and the end of a
    /// bounded wait, the system time moves against the monotonic uptime by a step (a set), or from an
    /// implausible value to a plausible one (the first set after a power-on). Until then <see cref="IsSynced"/>
    /// and the last sync time stay as they were, and a re-sync that was not seen stays due.
    /// </summary>
    public class SntpClock : IClock
    {
        /// <summary>Unix ms before which the system time cannot have been set by SNTP (2024-01-01).</summary>
        public const long PlausibleMs = 1704067200000;

        /// <summary>
        /// Smallest change of wall minus uptime taken as a set. Both clocks are read in whole ms and a pair of reads
        /// counts only when the uptime moved at most 1 ms across it, so one reading is off by less than 3 ms and two
        /// readings of a clock nobody set differ by less than 4; a set corrects the RTC's drift since the last
        /// sync, which is far more on an ESP32 (its RTC slow clock drifts by seconds a day).
        /// </summary>
        public const long MinStepMs = 5;

        /// <summary>Poll interval of <see cref="WaitForSync"/>.</summary>
        public const int PollMs = 50;

        private const int ReadTries = 5;

        private readonly ITimeSource _source;
        private readonly ClockSyncState _sync;
        private bool _watching;
        private long _startOffsetMs;
        private bool _startPlausible;
        private long _startUptimeMs;

        /// <param name="coldBoot">A power-on wake: the system time may be lost, so the flag starts false.</param>
        public SntpClock(ITimeSource source, IStorage storage, bool coldBoot, long resyncIntervalMs)
        {
            _source = source;
            _sync = new ClockSyncState(storage, coldBoot, resyncIntervalMs);
        }

        public long NowMs
        {
            get { return _source.WallMs; }
        }

        public long UptimeMs
        {
            get { return _source.UptimeMs; }
        }

        /// <summary>True once a set was seen in this boot (kept across deep sleep by ClockSyncState).</summary>
        public bool IsSynced
        {
            get
            {
                Poll();
                return _sync.IsSynced;
            }
        }

        /// <summary>Clock time of the last seen sync; long.MinValue when none in this boot.</summary>
        public long LastSyncMs
        {
            get { return _sync.LastSyncMs; }
        }

        /// <summary>Never synced in this boot, or the last seen sync is a re-sync interval old.</summary>
        public bool ResyncDue
        {
            get { return _sync.ResyncDue(_source.WallMs); }
        }

        /// <summary>True between <see cref="BeginSync"/> and the set being seen or the wait given up.</summary>
        public bool Watching
        {
            get { return _watching; }
        }

        /// <summary>Call before anything may set the time (bringing the network up, Sntp.UpdateNow): the reference.</summary>
        public void BeginSync()
        {
            long offset;
            long wall;
            if (!ReadOffset(out offset, out wall))
            {
                return;
            }
            _startOffsetMs = offset;
            _startPlausible = wall >= PlausibleMs;
            _startUptimeMs = _source.UptimeMs;
            _watching = true;
        }

        /// <summary>Looks once; true when the set has been seen (now or before) since BeginSync.</summary>
        public bool Poll()
        {
            if (!_watching)
            {
                return false;
            }
            long offset;
            long wall;
            if (!ReadOffset(out offset, out wall) || wall < PlausibleMs)
            {
                return false;
            }
            long step = offset - _startOffsetMs;
            if (_startPlausible && step < MinStepMs && step > -MinStepMs)
            {
                return false;
            }
            _watching = false;
            _sync.MarkSynced(wall);
            return true;
        }

        /// <summary>
        /// Waits until the set is seen or maxWaitMs after BeginSync have passed; true when seen. Not watching: false
        /// at once. A wait that ends unseen stops watching: the re-sync stays due for the next report.
        /// </summary>
        public bool WaitForSync(int maxWaitMs)
        {
            while (_watching)
            {
                if (Poll())
                {
                    return true;
                }
                long left = _startUptimeMs + maxWaitMs - _source.UptimeMs;
                if (left <= 0)
                {
                    _watching = false;
                    return false;
                }
                _source.Pause(left < PollMs ? (int)left : PollMs);
            }
            return false;
        }

        /// <summary>
        /// Wall minus uptime from a pair of reads that the uptime shows were close together (a collection or a
        /// thread switch between the two reads would otherwise look like a step).
        /// </summary>
        private bool ReadOffset(out long offset, out long wall)
        {
            for (int i = 0; i < ReadTries; i++)
            {
                long before = _source.UptimeMs;
                wall = _source.WallMs;
                long after = _source.UptimeMs;
                if (after - before <= 1)
                {
                    offset = wall - before;
                    return true;
                }
            }
            offset = 0;
            wall = 0;
            return false;
        }
    }
}
