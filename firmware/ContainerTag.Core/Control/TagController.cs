using System;
using ContainerTag.Core.Energy;
using ContainerTag.Core.Hardware;
using ContainerTag.Core.Protocol;
using ContainerTag.Core.Storage;

namespace ContainerTag.Core.Control
{
    /// <summary>
    /// One tag's duty cycle. Each wake: measure, spool, decide whether to report, report, compute the
    /// next sleep. All state lives in flash (IStorage), so a new instance over the same storage (the
    /// device after deep sleep or a reboot) carries on exactly where the last one stopped. No static
    /// mutable state; time only from IClock.
    /// </summary>
    public class TagController
    {
        private readonly TagOptions _options;
        private readonly TagIdentity _identity;
        private readonly IEnvironmentSensor _env;
        private readonly IAccelerometer _accel;
        private readonly IClock _clock;
        private readonly IUplink _uplink;
        private readonly IPower _power;
        private readonly ReadingSpool _spool;
        private readonly StateStore _store;
        private readonly BatteryModel _battery;
        private readonly PayloadWriter _writer = new PayloadWriter(Limits.MaxPayloadBytes);
        private readonly TelemetryEncoder _telemetry = new TelemetryEncoder();
        private readonly ConfigParser _configParser = new ConfigParser();
        private readonly Reading _reading = new Reading();
        private readonly byte[] _will;
        private TagState _state;
        private bool _loaded;

        // per wake
        private long _now;
        private bool _synced;
        private long _wakeUptime;
        private long _wakeStartMs;

        public TagController(TagOptions options, IEnvironmentSensor env, IAccelerometer accel, IClock clock,
            IStorage storage, IUplink uplink, IPower power)
        {
            if (options == null || env == null || accel == null || clock == null || storage == null || uplink == null || power == null)
            {
                throw new ArgumentNullException();
            }
            _options = options;
            _identity = new TagIdentity(options.Fleet, options.Container, options.Tag, options.AllowNonIsoContainer);
            string invalid = options.DefaultConfig.Validate();
            if (invalid != null)
            {
                throw new ArgumentException("default config: " + invalid);
            }
            _env = env;
            _accel = accel;
            _clock = clock;
            _uplink = uplink;
            _power = power;
            _spool = new ReadingSpool(storage, options.SpoolCapacity, options.RecordsPerBlock);
            _store = new StateStore(storage);
            _battery = new BatteryModel(options.BatteryCapacityMah);
            _will = StatusMessage.WillPayload();
        }

        public TagIdentity Identity { get { return _identity; } }

        /// <summary>The configuration in force (a copy).</summary>
        public TagConfig Config { get { Load(); return _state.Config.Clone(); } }

        /// <summary>Readings waiting in flash.</summary>
        public int SpoolCount { get { Load(); return _spool.Count; } }

        public long Boot { get { Load(); return _state.Boot; } }

        public long ThinnedTotal { get { Load(); return _state.Thinned; } }

        public int PendingEventCount { get { Load(); return _state.PendingEvents.Count; } }

        /// <summary>The device loop body: run this wake, then request deep sleep.</summary>
        public RunResult RunCycle()
        {
            RunResult result = RunOnce(_power.GetWakeCause());
            _power.DeepSleep(result.NextSleepMs);
            return result;
        }

        private void Load()
        {
            if (_loaded)
            {
                return;
            }
            _state = new TagState();
            _state.Config = _options.DefaultConfig.Clone();
            if (!_store.Load(_state))
            {
                _state = new TagState();
                _state.Config = _options.DefaultConfig.Clone();
            }
            _spool.Load();
            _loaded = true;
        }

        /// <summary>Runs one wake and returns what it did and how long to sleep.</summary>
        public RunResult RunOnce(WakeCause cause)
        {
            _wakeUptime = _clock.UptimeMs;
            _now = _clock.NowMs;
            // uptime counts from the chip's wake, so this is when the timer fired, before the boot
            _wakeStartMs = _now - (_wakeUptime > 0 ? _wakeUptime : 0);
            _synced = _clock.IsSynced;
            Load();
            RunResult result = new RunResult();
            result.Cause = cause;
            TagState s = _state;

            bool cold = cause == WakeCause.PowerOn || !s.Initialized;
            if (cold)
            {
                BeginBoot();
                result.Reasons |= ReportReason.FirstBoot;
            }
            else
            {
                if (_synced && !s.LastSynced)
                {
                    // synced while asleep (not through our own session): the jump is only estimated
                    long delta = _now - (s.LastNowMs + s.PlannedSleepMs);
                    s.Bases.Anchor(delta, true);
                    s.ShiftClock(delta);
                }
                long slept = _now - s.LastNowMs;
                if (slept < 0 || slept > 2 * s.PlannedSleepMs + 60000)
                {
                    slept = s.PlannedSleepMs;
                }
                s.SleepMs += slept;
            }
            s.Wakes++;
            TagConfig cfg = s.Config;
            double battery = _power.BatteryVolts;

            MeasureShock(result, cfg);
            if (cold || cause != WakeCause.Shock || _now >= s.NextSampleDueMs - 1000)
            {
                Sample(result, cfg);
            }
            WatchBattery(result, cfg, battery);

            int lifeDays = EstimateLifeDays(battery, cfg, cfg.ReportS);
            int reportS = EffectiveReportS(cfg, battery, lifeDays);
            if (_now >= s.NextReportDueMs)
            {
                result.Reasons |= ReportReason.Interval;
            }
            if (_spool.Count >= _spool.Capacity * 3 / 4)
            {
                result.Reasons |= ReportReason.SpoolNearlyFull;
            }
            if (s.PendingEvents.Count > 0)
            {
                result.Reasons |= ReportReason.PendingEvents;
            }
            bool attempt = (result.Reasons & ReportReason.Interval) != 0;
            if (!attempt && (result.Reasons & ReportReason.Urgent) != 0)
            {
                // urgent reasons skip the interval, but while the network keeps failing at most one
                // attempt per sample interval
                attempt = s.Failures == 0 || s.LastAttemptMs == TagState.None
                    || _now - s.LastAttemptMs >= (long)cfg.SampleS * 1000;
            }

            TakeFaults();
            if (attempt)
            {
                result.ReportAttempted = true;
                s.LastAttemptMs = _now;
                long radioStart = _clock.UptimeMs;
                bool drained;
                bool ok;
                try
                {
                    ok = Report(result, battery, radioStart, out drained);
                }
                catch (Exception)
                {
                    // an adapter fault must not stop the duty cycle; the spool still has everything
                    ok = false;
                    drained = false;
                    SafeDisconnect();
                }
                s.RadioMs += _clock.UptimeMs - radioStart;
                s.Reports++;
                result.ReportSucceeded = ok;
                cfg = s.Config;
                lifeDays = EstimateLifeDays(battery, cfg, cfg.ReportS);
                reportS = EffectiveReportS(cfg, battery, lifeDays);
                if (ok)
                {
                    // the status of this session carried it
                    s.SensorError = null;
                    s.Failures = 0;
                    s.NextReportDueMs = _now + (drained ? (long)reportS * 1000 : (long)cfg.SampleS * 1000);
                }
                else
                {
                    // a session that connected but lost PUBACKs retries after one sample interval;
                    // only failures to connect back off further
                    s.Failures = result.Connected ? 1 : s.Failures + 1;
                    s.NextReportDueMs = _now + Backoff(cfg, reportS, s.Failures);
                }
            }
            if (s.NextReportDueMs > _now + (long)reportS * 1000)
            {
                s.NextReportDueMs = _now + (long)reportS * 1000;
            }
            // the tolerance keeps a slightly early timer wake on the schedule; a shortened sample_s still clamps
            if (s.NextSampleDueMs > _now + (long)cfg.SampleS * 1000 + 1000)
            {
                s.NextSampleDueMs = _now + (long)cfg.SampleS * 1000;
            }

            _accel.ArmWake(cfg.ShockG);

            CheckSync();
            TakeFaults();
            long end = _clock.NowMs;
            long sleep = s.NextSampleDueMs - end;
            long maxSleep = (long)cfg.SampleS * 1000;
            result.NextSleepMs = sleep < 1000 ? 1000 : (sleep > maxSleep ? maxSleep : sleep);

            s.AwakeMs += _clock.UptimeMs - _wakeUptime;
            s.LastNowMs = end;
            s.LastSynced = _synced;
            s.PlannedSleepMs = result.NextSleepMs;
            s.Thinned += _spool.ThinnedSinceLoad - _thinnedCounted;
            _thinnedCounted = _spool.ThinnedSinceLoad;
            PruneTimeBases();
            s.Initialized = true;
            _store.Save(s);
            result.ConfigError = s.ConfigError;
            result.SensorError = _sensorErrorThisWake;
            _sensorErrorThisWake = null;
            return result;
        }

        private int _thinnedCounted;

        /// <summary>Moves the adapters' last fault into the persisted state (it waits there for a report).</summary>
        private void TakeFaults()
        {
            string fault = _options.Faults == null ? null : _options.Faults.Take();
            if (fault != null)
            {
                _state.SensorError = fault;
                _sensorErrorThisWake = fault;
            }
        }

        private string _sensorErrorThisWake;

        private void BeginBoot()
        {
            TagState s = _state;
            long boot = s.Initialized ? s.Boot + 1 : 1;
            // if the state was lost, never reuse a boot number that still labels spooled data
            for (int i = 0; i < _spool.BlockCount; i++)
            {
                if (_spool.BlockAt(i).Boot >= boot)
                {
                    boot = _spool.BlockAt(i).Boot + 1;
                }
            }
            for (int i = 0; i < s.PendingEvents.Count; i++)
            {
                if (((TagEvent)s.PendingEvents[i]).Boot >= boot)
                {
                    boot = ((TagEvent)s.PendingEvents[i]).Boot + 1;
                }
            }
            if (boot > Limits.MaxUInt32)
            {
                boot = 1;
            }
            s.Bases.StartBoot(boot, _now, _synced, s.Initialized, s.LastNowMs);
            s.Boot = boot;
            s.NextSeq = 0;
            s.NextEventSeq = 0;
            s.NextSampleDueMs = _wakeStartMs;
            s.NextReportDueMs = _now;
            s.LastAttemptMs = TagState.None;
            s.Failures = 0;
            s.LastShockMs = TagState.None;
            s.ExcursionKind = 0;
            s.ExcursionReported = false;
            s.BatteryLowReported = false;
            s.CarryPeakCentiG = -1;
            s.Wakes = 0;
            s.Reports = 0;
            s.AwakeMs = 0;
            s.RadioMs = 0;
            s.SleepMs = 0;
            s.Initialized = true;
        }

        private void MeasureShock(RunResult result, TagConfig cfg)
        {
            double peak = _accel.ReadPeakG();
            int centi;
            if (!ToPeakCenti(peak, out centi))
            {
                return;
            }
            TagState s = _state;
            if (centi > s.CarryPeakCentiG)
            {
                s.CarryPeakCentiG = centi;
            }
            if (ShockDetector.IsShockEvent(peak, cfg.ShockG, _now, s.LastShockMs, (long)_options.ShockDebounceS * 1000))
            {
                s.LastShockMs = _now;
                AddEvent(result, EventKind.Shock, centi);
                result.Reasons |= ReportReason.Shock;
            }
        }

        /// <summary>Peak g to 0.01 g; false for NaN or negative, saturating at the contract's maximum.</summary>
        public static bool ToPeakCenti(double g, out int centi)
        {
            centi = 0;
            if (double.IsNaN(g) || g < 0)
            {
                return false;
            }
            long v = g > 100 ? Limits.PeakMaxCentiG : PayloadWriter.Scale(g, 2);
            centi = v > Limits.PeakMaxCentiG ? Limits.PeakMaxCentiG : (int)v;
            return true;
        }

        private void Sample(RunResult result, TagConfig cfg)
        {
            TagState s = _state;
            double t;
            double rh;
            double p;
            _env.Read(out t, out rh, out p);
            Reading r = _reading;
            r.Boot = s.Boot;
            r.Seq = s.NextSeq;
            r.StampMs = _now;
            r.Synced = _synced;
            long v = InRangeScaled(t, 2, Limits.TempMinCenti, Limits.TempMaxCenti);
            r.HasTemp = v != long.MinValue;
            r.TempCenti = (int)(r.HasTemp ? v : 0);
            v = InRangeScaled(rh, 1, 0, Limits.HumidityMaxDeci);
            r.HasHumidity = v != long.MinValue;
            r.HumidityDeci = (int)(r.HasHumidity ? v : 0);
            v = InRangeScaled(p, 1, Limits.PressureMinDeci, Limits.PressureMaxDeci);
            r.HasPressure = v != long.MinValue;
            r.PressureDeci = (int)(r.HasPressure ? v : 0);
            r.HasPeak = s.CarryPeakCentiG >= 0;
            r.PeakCentiG = r.HasPeak ? s.CarryPeakCentiG : 0;
            result.Thinned = _spool.Append(r);
            s.NextSeq = s.NextSeq >= Limits.MaxUInt32 ? 0 : s.NextSeq + 1;
            s.CarryPeakCentiG = -1;
            // Schedule from the due time, not from when this wake got to run: the boot before RunOnce
            // (and any early/late timer) is not seen by the sleep computation, and adding it to every
            // period drifted the readings to 300.13 s spacing. Only a wake far off schedule (cold boot,
            // long outage, shock) restarts the schedule from now.
            long period = (long)cfg.SampleS * 1000;
            long due = s.NextSampleDueMs;
            s.NextSampleDueMs = due != TagState.None && _now >= due - 1000 && _now - due < period / 2
                ? due + period
                : _wakeStartMs + period;
            result.Sampled = true;
            if (r.HasTemp)
            {
                WatchTemperature(result, cfg, r.TempCenti);
            }
        }

        /// <summary>The value scaled to an integer, or long.MinValue when NaN or outside the sensor's range.</summary>
        private static long InRangeScaled(double value, int decimals, int min, int max)
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                return long.MinValue;
            }
            long v = PayloadWriter.Scale(value, decimals);
            return v < min || v > max ? long.MinValue : v;
        }

        private void WatchTemperature(RunResult result, TagConfig cfg, int tempCenti)
        {
            TagState s = _state;
            double temp = tempCenti / 100.0;
            int kind = temp > cfg.TempHighC ? EventKind.TempHigh : (temp < cfg.TempLowC ? EventKind.TempLow : 0);
            if (kind != s.ExcursionKind)
            {
                s.ExcursionKind = kind;
                s.ExcursionStartMs = _now;
                s.ExcursionReported = false;
            }
            if (kind != 0 && !s.ExcursionReported && _now - s.ExcursionStartMs >= (long)cfg.TempDelayS * 1000)
            {
                s.ExcursionReported = true;
                AddEvent(result, kind, tempCenti);
                result.Reasons |= ReportReason.Temperature;
            }
        }

        private void WatchBattery(RunResult result, TagConfig cfg, double volts)
        {
            TagState s = _state;
            if (double.IsNaN(volts))
            {
                return;
            }
            if (volts < cfg.BatteryLowV && !s.BatteryLowReported)
            {
                s.BatteryLowReported = true;
                AddEvent(result, EventKind.BatteryLow, (int)PayloadWriter.Scale(volts, 2));
                result.Reasons |= ReportReason.BatteryLow;
            }
            else if (volts >= cfg.BatteryLowV + 0.1)
            {
                // 0.1 V hysteresis so a voltage hovering at the threshold does not repeat the event
                s.BatteryLowReported = false;
            }
        }

        private void AddEvent(RunResult result, int kind, int valueCenti)
        {
            TagState s = _state;
            TagEvent e = new TagEvent();
            e.Boot = s.Boot;
            e.Seq = s.NextEventSeq;
            e.StampMs = _now;
            e.Synced = _synced;
            e.Kind = kind;
            e.ValueCenti = valueCenti;
            s.NextEventSeq = s.NextEventSeq >= Limits.MaxUInt32 ? 0 : s.NextEventSeq + 1;
            s.PendingEvents.Add(e);
            while (s.PendingEvents.Count > _options.MaxPendingEvents)
            {
                s.PendingEvents.RemoveAt(0);
                s.EventsDropped++;
            }
            result.EventsRaised++;
        }

        /// <summary>
        /// One MQTT session: events, telemetry batches (oldest first), wait for the PUBACKs, delete what
        /// was acknowledged, apply a new config, publish the retained status. True when everything
        /// published was acknowledged; drained is true when no reading was left behind.
        /// </summary>
        private bool Report(RunResult result, double battery, long radioStart, out bool drained)
        {
            TagState s = _state;
            drained = false;
            bool connected = _uplink.Connect(_identity.ClientId, _identity.StatusTopic, _will);
            CheckSync();
            if (!connected)
            {
                return false;
            }
            result.Connected = true;
            _uplink.Subscribe(_identity.ConfigTopic);

            int events = s.PendingEvents.Count;
            int[] eventIds = new int[events];
            for (int i = 0; i < events; i++)
            {
                EventEncoder.Encode((TagEvent)s.PendingEvents[i], s.Bases, WakeNow(), _synced, _writer);
                eventIds[i] = _uplink.Publish(_identity.EventTopic, _writer.Buffer, _writer.Length, false);
            }

            int maxBatches = _options.MaxMessagesPerSession;
            int[] batchIds = new int[maxBatches];
            int[] batchEnds = new int[maxBatches];
            int[] batchReadings = new int[maxBatches];
            int batches = 0;
            int readings = 0;
            SpoolCursor cursor = _spool.OpenCursor();
            while (batches < maxBatches && readings < _options.MaxReadingsPerSession
                && _telemetry.EncodeNext(cursor, s.Bases, WakeNow(), _synced, battery, _writer))
            {
                int id = _uplink.Publish(_identity.TelemetryTopic, _writer.Buffer, _writer.Length, false);
                batchIds[batches] = id;
                batchEnds[batches] = cursor.Position;
                batchReadings[batches] = _telemetry.ReadingCount;
                batches++;
                readings += _telemetry.ReadingCount;
                if (id < 0)
                {
                    break;
                }
            }
            bool atEnd = !cursor.Peek(_reading);

            _uplink.WaitForPublishes(_options.PublishTimeoutMs);

            bool allPublished = true;
            for (int i = events - 1; i >= 0; i--)
            {
                if (eventIds[i] > 0 && _uplink.GetPublishResult(eventIds[i]) == PublishResult.Published)
                {
                    s.PendingEvents.RemoveAt(i);
                    result.EventsAcknowledged++;
                }
                else
                {
                    allPublished = false;
                }
            }
            int acknowledgedSlots = 0;
            bool prefix = true;
            for (int i = 0; i < batches; i++)
            {
                bool published = batchIds[i] > 0 && _uplink.GetPublishResult(batchIds[i]) == PublishResult.Published;
                if (!published)
                {
                    allPublished = false;
                    prefix = false;
                }
                else if (prefix)
                {
                    acknowledgedSlots = batchEnds[i];
                    result.ReadingsAcknowledged += batchReadings[i];
                }
            }
            if (prefix && atEnd)
            {
                // unreadable slots after the last batch go too
                acknowledgedSlots = cursor.Position;
            }
            _spool.DeleteOldest(acknowledgedSlots);
            drained = prefix && atEnd;

            ApplyConfig(result, _uplink.TakeMessage(_identity.ConfigTopic));

            StatusMessage status = new StatusMessage();
            status.Firmware = _options.FirmwareVersion;
            status.Boot = s.Boot;
            status.BatteryVolts = battery;
            status.Rssi = _uplink.Rssi;
            status.Spool = _spool.Count;
            status.Thinned = s.Thinned + _spool.ThinnedSinceLoad - _thinnedCounted;
            status.LifeDays = EstimateLifeDays(battery, s.Config, s.Config.ReportS);
            status.ReportS = EffectiveReportS(s.Config, battery, status.LifeDays);
            status.Wakes = s.Wakes;
            status.RadioMs = s.RadioMs + (_clock.UptimeMs - radioStart);
            status.EventsDropped = s.EventsDropped;
            status.ConfigError = s.ConfigError;
            status.SensorError = s.SensorError;
            status.Encode(_writer);
            int statusId = _uplink.Publish(_identity.StatusTopic, _writer.Buffer, _writer.Length, true);
            _uplink.WaitForPublishes(_options.PublishTimeoutMs);
            if (statusId <= 0 || _uplink.GetPublishResult(statusId) != PublishResult.Published)
            {
                allPublished = false;
            }
            _uplink.Disconnect();
            return allPublished;
        }

        /// <summary>
        /// Bringing the network up syncs the clock (SNTP): measure the jump against the monotonic
        /// uptime, so earlier unsynced stamps of this boot get exact Unix times.
        /// </summary>
        private void CheckSync()
        {
            if (_synced || !_clock.IsSynced)
            {
                return;
            }
            long uptime = _clock.UptimeMs;
            long synced = _clock.NowMs;
            long delta = synced - (_now + (uptime - _wakeUptime));
            _state.Bases.Anchor(delta, false);
            _state.ShiftClock(delta);
            _now += delta;
            _synced = true;
        }

        /// <summary>
        /// Now on the time base of this wake's stamps: the clock read at the wake plus the monotonic time since
        /// (CheckSync moves both by the jump it measured). The clock itself may have been set since the last
        /// CheckSync (SNTP sets it whenever its reply comes); an a0 (now minus stamp) from it would carry that jump.
        /// </summary>
        private long WakeNow()
        {
            return _now + (_clock.UptimeMs - _wakeUptime);
        }

        private void SafeDisconnect()
        {
            try
            {
                _uplink.Disconnect();
            }
            catch (Exception)
            {
                // already down
            }
        }

        private void ApplyConfig(RunResult result, byte[] message)
        {
            if (message == null || message.Length == 0)
            {
                return;
            }
            TagState s = _state;
            TagConfig parsed = _configParser.Parse(message, message.Length);
            if (parsed == null)
            {
                s.ConfigError = _configParser.Error;
                return;
            }
            s.ConfigError = null;
            if (!parsed.SameAs(s.Config))
            {
                s.Config = parsed;
                result.ConfigChanged = true;
            }
        }

        /// <summary>Wait after the n-th failed report in a row: sample interval doubling, at most the report interval.</summary>
        private static long Backoff(TagConfig cfg, int reportS, int failures)
        {
            long ms = (long)cfg.SampleS * 1000;
            for (int i = 1; i < failures && ms < (long)reportS * 1000; i++)
            {
                ms *= 2;
            }
            long max = (long)reportS * 1000;
            return ms > max ? max : ms;
        }

        /// <summary>
        /// Report interval in force: x4 (capped at a day, unless configured longer) below the battery
        /// threshold, x2 when the estimated life is under 30 days; never above the contract's 7 days.
        /// </summary>
        public static int EffectiveReportS(TagConfig cfg, double battery, int lifeDays)
        {
            long s = cfg.ReportS;
            if (!double.IsNaN(battery) && battery < cfg.BatteryLowV)
            {
                long cap = cfg.ReportS > 86400 ? cfg.ReportS : 86400;
                s = s * 4 > cap ? cap : s * 4;
            }
            else if (lifeDays >= 0 && lifeDays < 30)
            {
                s = s * 2;
            }
            return (int)(s > Limits.ReportMaxS ? Limits.ReportMaxS : s);
        }

        private int EstimateLifeDays(double battery, TagConfig cfg, int reportS)
        {
            TagState s = _state;
            double awake = s.Wakes > 0 ? (double)(s.AwakeMs - s.RadioMs) / s.Wakes : EnergyConstants.DefaultAwakeMsPerWake;
            double radio = s.Reports > 0 ? (double)s.RadioMs / s.Reports : EnergyConstants.DefaultRadioMsPerReport;
            if (awake < 0)
            {
                awake = EnergyConstants.DefaultAwakeMsPerWake;
            }
            return _battery.LifeDays(battery, BatteryModel.AverageCurrentMa(cfg.SampleS, reportS, awake, radio));
        }

        private void PruneTimeBases()
        {
            TagState s = _state;
            long oldest = s.Boot;
            if (_spool.BlockCount > 0 && _spool.BlockAt(0).Boot < oldest)
            {
                oldest = _spool.BlockAt(0).Boot;
            }
            for (int i = 0; i < s.PendingEvents.Count; i++)
            {
                long b = ((TagEvent)s.PendingEvents[i]).Boot;
                if (b < oldest)
                {
                    oldest = b;
                }
            }
            s.Bases.Prune(oldest, s.Boot);
        }
    }
}
