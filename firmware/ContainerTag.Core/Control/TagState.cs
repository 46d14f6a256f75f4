using System.Collections;
using ContainerTag.Core.Protocol;
using ContainerTag.Core.Storage;

namespace ContainerTag.Core.Control
{
    /// <summary>
    /// Everything the tag must remember between wakes apart from the readings themselves. Times marked
    /// "clock" are on the tag's clock (see IClock.NowMs) and are shifted together when it gets synced.
    /// </summary>
    public class TagState
    {
        public const long None = long.MinValue;

        /// <summary>False until the first boot has been set up (no valid state on flash).</summary>
        public bool Initialized;

        public long Boot;
        public long NextSeq;
        public long NextEventSeq;
        public long Thinned;
        public TagConfig Config = new TagConfig();

        /// <summary>Why the last config message was rejected; null when the last one was accepted.</summary>
        public string ConfigError;
        public string SensorError;      // last hardware fault not yet carried by a successful report

        public long LastNowMs;          // clock, end of the last wake
        public bool LastSynced;
        public long PlannedSleepMs;
        public long NextSampleDueMs;    // clock
        public long NextReportDueMs;    // clock
        public long LastAttemptMs = None; // clock
        public int Failures;

        public long LastShockMs = None; // clock
        public int ExcursionKind;       // 0, EventKind.TempHigh or EventKind.TempLow
        public long ExcursionStartMs;   // clock
        public bool ExcursionReported;
        public bool BatteryLowReported;

        /// <summary>Peak g (0.01 g) measured on shock wakes, carried into the next reading.</summary>
        public int CarryPeakCentiG = -1;

        // energy accounting since this boot
        public long Wakes;
        public long Reports;
        public long AwakeMs;
        public long RadioMs;
        public long SleepMs;

        public long EventsDropped;
        public TimeBases Bases = new TimeBases();
        public ArrayList PendingEvents = new ArrayList();

        /// <summary>The clock jumped by delta: move every clock time with it.</summary>
        public void ShiftClock(long delta)
        {
            LastNowMs += delta;
            NextSampleDueMs += delta;
            NextReportDueMs += delta;
            if (LastAttemptMs != None)
            {
                LastAttemptMs += delta;
            }
            if (LastShockMs != None)
            {
                LastShockMs += delta;
            }
            ExcursionStartMs += delta;
        }

        public void WriteTo(ByteStream s)
        {
            s.WriteU32(Boot);
            s.WriteU32(NextSeq);
            s.WriteU32(NextEventSeq);
            s.WriteI64(Thinned);
            Config.WriteTo(s);
            s.WriteBool(ConfigError != null);
            s.WriteAscii(ConfigError);
            s.WriteI64(LastNowMs);
            s.WriteBool(LastSynced);
            s.WriteI64(PlannedSleepMs);
            s.WriteI64(NextSampleDueMs);
            s.WriteI64(NextReportDueMs);
            s.WriteI64(LastAttemptMs);
            s.WriteU32(Failures);
            s.WriteI64(LastShockMs);
            s.WriteU8(ExcursionKind);
            s.WriteI64(ExcursionStartMs);
            s.WriteBool(ExcursionReported);
            s.WriteBool(BatteryLowReported);
            s.WriteU32(CarryPeakCentiG & 0xFFFFFFFFL);
            s.WriteI64(Wakes);
            s.WriteI64(Reports);
            s.WriteI64(AwakeMs);
            s.WriteI64(RadioMs);
            s.WriteI64(SleepMs);
            s.WriteI64(EventsDropped);
            Bases.WriteTo(s);
            s.WriteU8(PendingEvents.Count);
            for (int i = 0; i < PendingEvents.Count; i++)
            {
                ((TagEvent)PendingEvents[i]).WriteTo(s);
            }
            // appended last so a state written before this field still loads (the field reads as none)
            s.WriteBool(SensorError != null);
            s.WriteAscii(SensorError);
        }

        public void ReadFrom(ByteStream s)
        {
            Boot = s.ReadU32();
            NextSeq = s.ReadU32();
            NextEventSeq = s.ReadU32();
            Thinned = s.ReadI64();
            Config = TagConfig.ReadFrom(s);
            bool hasError = s.ReadBool();
            string error = s.ReadAscii();
            ConfigError = hasError ? error : null;
            LastNowMs = s.ReadI64();
            LastSynced = s.ReadBool();
            PlannedSleepMs = s.ReadI64();
            NextSampleDueMs = s.ReadI64();
            NextReportDueMs = s.ReadI64();
            LastAttemptMs = s.ReadI64();
            Failures = (int)s.ReadU32();
            LastShockMs = s.ReadI64();
            ExcursionKind = s.ReadU8();
            ExcursionStartMs = s.ReadI64();
            ExcursionReported = s.ReadBool();
            BatteryLowReported = s.ReadBool();
            CarryPeakCentiG = (int)s.ReadU32();
            Wakes = s.ReadI64();
            Reports = s.ReadI64();
            AwakeMs = s.ReadI64();
            RadioMs = s.ReadI64();
            SleepMs = s.ReadI64();
            EventsDropped = s.ReadI64();
            Bases.ReadFrom(s);
            PendingEvents.Clear();
            int n = s.ReadU8();
            for (int i = 0; i < n && !s.Overrun; i++)
            {
                PendingEvents.Add(TagEvent.ReadFrom(s));
            }
            bool whole = !s.Overrun;
            SensorError = null;
            if (whole)
            {
                // appended last, so a slot written before sensor_err existed still loads (without a fault)
                bool hasFault = s.ReadBool();
                string fault = s.ReadAscii();
                SensorError = hasFault && !s.Overrun ? fault : null;
            }
            // a slot whose CRC matched but whose values the controller never writes (a format bug or a CRC
            // collision) is refused as a whole: the tag then starts a fresh boot instead of running on it
            Initialized = whole && Plausible();
        }

        /// <summary>True when every decoded value is one the controller can run on.</summary>
        private bool Plausible()
        {
            if (Config.Validate() != null || Failures < 0 || CarryPeakCentiG < -1 || CarryPeakCentiG > Limits.PeakMaxCentiG
                || Bases.Count > TimeBases.MaxEntries)
            {
                return false;
            }
            if (ExcursionKind != 0 && ExcursionKind != EventKind.TempHigh && ExcursionKind != EventKind.TempLow)
            {
                return false;
            }
            for (int i = 0; i < PendingEvents.Count; i++)
            {
                if (EventKind.Name(((TagEvent)PendingEvents[i]).Kind) == null)
                {
                    return false;
                }
            }
            return true;
        }
    }
}
