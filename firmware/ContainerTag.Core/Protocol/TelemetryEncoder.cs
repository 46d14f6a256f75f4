using ContainerTag.Core.Storage;

namespace ContainerTag.Core.Protocol
{
    /// <summary>
    /// Builds telemetry batches (docs/protocol.md section 4.1) from the spool cursor. A batch is cut
    /// where the next reading would break one of the batch's assumptions: same boot, consecutive seq
    /// (thinning leaves gaps), same time form (t0 or a0) and estimate flag, strictly increasing offsets
    /// that fit 0..2^31-1 ms, at most 64 readings, at most 4 KiB.
    /// </summary>
    public class TelemetryEncoder
    {
        private readonly Reading _reading = new Reading();

        /// <summary>Readings in the last encoded batch.</summary>
        public int ReadingCount { get; private set; }

        /// <summary>Boot and first seq of the last encoded batch.</summary>
        public long Boot { get; private set; }

        public long FirstSeq { get; private set; }

        /// <summary>
        /// Encodes the next batch into w, advancing the cursor past every slot it covers. Returns false
        /// when the spool has no more readings. nowMs and clockSynced are the clock at publish time.
        /// </summary>
        public bool EncodeNext(SpoolCursor cursor, TimeBases bases, long nowMs, bool clockSynced, double batteryVolts, PayloadWriter w)
        {
            ReadingCount = 0;
            if (!cursor.Peek(_reading))
            {
                return false;
            }
            bool absolute;
            bool estimated;
            long firstTime = bases.Resolve(_reading.Boot, _reading.StampMs, _reading.Synced, clockSynced, out absolute, out estimated);
            Boot = _reading.Boot;
            FirstSeq = _reading.Seq;

            w.Reset();
            w.Raw("{\"v\":1,\"boot\":");
            w.Integer(Boot);
            w.Raw(",\"seq\":");
            w.Integer(FirstSeq);
            if (absolute)
            {
                w.Raw(",\"t0\":");
                w.Integer(Clamp(firstTime, 0, Limits.MaxUnixMs));
            }
            else
            {
                w.Raw(",\"a0\":");
                w.Integer(Clamp(nowMs - firstTime, 0, Limits.MaxAgeMs));
            }
            w.Raw(",\"bat\":");
            WriteBattery(w, batteryVolts);
            if (estimated)
            {
                w.Raw(",\"t_est\":true");
            }
            w.Raw(",\"r\":[");

            long prevSeq = FirstSeq - 1;
            long prevOffset = -1;
            while (ReadingCount < Limits.MaxReadingsPerBatch && cursor.Peek(_reading))
            {
                bool abs2;
                bool est2;
                long time = bases.Resolve(_reading.Boot, _reading.StampMs, _reading.Synced, clockSynced, out abs2, out est2);
                long offset = time - firstTime;
                if (_reading.Boot != Boot || _reading.Seq != prevSeq + 1 || abs2 != absolute || est2 != estimated
                    || offset <= prevOffset || offset > Limits.MaxOffsetMs)
                {
                    if (ReadingCount > 0)
                    {
                        break;
                    }
                    offset = 0;
                }
                int mark = w.Length;
                if (ReadingCount > 0)
                {
                    w.Byte(',');
                }
                WriteReading(w, offset, _reading);
                if (w.Overflow || w.Length + 2 > Limits.MaxPayloadBytes)
                {
                    w.Length = mark;
                    break;
                }
                ReadingCount++;
                prevSeq = _reading.Seq;
                prevOffset = offset;
                cursor.Advance();
            }
            w.Raw("]}");
            return true;
        }

        /// <summary>[offset, temp, rh, pressure, peak], null for a failed sensor.</summary>
        public static void WriteReading(PayloadWriter w, long offsetMs, Reading r)
        {
            w.Byte('[');
            w.Integer(offsetMs);
            w.Byte(',');
            if (r.HasTemp) { w.Fixed(r.TempCenti, 2); } else { w.Null(); }
            w.Byte(',');
            if (r.HasHumidity) { w.Fixed(r.HumidityDeci, 1); } else { w.Null(); }
            w.Byte(',');
            if (r.HasPressure) { w.Fixed(r.PressureDeci, 1); } else { w.Null(); }
            w.Byte(',');
            if (r.HasPeak) { w.Fixed(r.PeakCentiG, 2); } else { w.Null(); }
            w.Byte(']');
        }

        /// <summary>Battery volts with 2 decimals, null when unknown or outside 0..5 V.</summary>
        public static void WriteBattery(PayloadWriter w, double volts)
        {
            if (double.IsNaN(volts) || volts < 0 || volts > Limits.BatteryMaxVolts)
            {
                w.Null();
            }
            else
            {
                w.Number(volts, 2);
            }
        }

        internal static long Clamp(long v, long lo, long hi)
        {
            return v < lo ? lo : (v > hi ? hi : v);
        }
    }
}
