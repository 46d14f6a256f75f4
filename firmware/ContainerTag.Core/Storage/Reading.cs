using ContainerTag.Core.Protocol;

namespace ContainerTag.Core.Storage
{
    /// <summary>
    /// One sample as kept in the flash spool, in the wire's units and precision, so encoding needs no
    /// floating point: temperature in 0.01 degC, humidity in 0.1 %RH, pressure in 0.1 hPa, peak
    /// acceleration in 0.01 g. A reused instance is filled by the spool cursor (no per-reading garbage).
    /// </summary>
    public class Reading
    {
        /// <summary>Size of one record in a block file (docs/protocol.md, "Tag flash spool").</summary>
        public const int RecordSize = 20;

        private const int FlagSynced = 1;
        private const int FlagNoTemp = 2;
        private const int FlagNoHumidity = 4;
        private const int FlagNoPressure = 8;
        private const int FlagNoPeak = 16;
        private const int ThinLevelShift = 5;
        public const int MaxThinLevel = 7;

        /// <summary>Boot counter of the boot that took the reading (from the block file's name).</summary>
        public long Boot;

        /// <summary>Sequence number within its boot.</summary>
        public long Seq;

        /// <summary>Clock value when taken: Unix ms if <see cref="Synced"/>, else the boot's free-running clock.</summary>
        public long StampMs;

        public bool Synced;

        public bool HasTemp;
        public int TempCenti;
        public bool HasHumidity;
        public int HumidityDeci;
        public bool HasPressure;
        public int PressureDeci;
        public bool HasPeak;
        public int PeakCentiG;

        /// <summary>How many thinning passes this reading has survived (0..7, kept in the flag bits 5-7).</summary>
        public int ThinLevel;

        /// <summary>Writes the 20-byte record: seq u32, stamp i48, temp i16, rh u16, p u16, g u16, flags, crc8.</summary>
        public void Encode(byte[] b, int at)
        {
            ByteCodec.PutU32(b, at, Seq);
            ByteCodec.PutI48(b, at + 4, StampMs);
            ByteCodec.PutU16(b, at + 10, HasTemp ? TempCenti & 0xFFFF : 0);
            ByteCodec.PutU16(b, at + 12, HasHumidity ? HumidityDeci : 0);
            ByteCodec.PutU16(b, at + 14, HasPressure ? PressureDeci : 0);
            ByteCodec.PutU16(b, at + 16, HasPeak ? PeakCentiG : 0);
            int flags = (Synced ? FlagSynced : 0) | (HasTemp ? 0 : FlagNoTemp) | (HasHumidity ? 0 : FlagNoHumidity)
                | (HasPressure ? 0 : FlagNoPressure) | (HasPeak ? 0 : FlagNoPeak) | (ThinLevel << ThinLevelShift);
            b[at + 18] = (byte)flags;
            b[at + 19] = ByteCodec.Crc8(b, at, RecordSize - 1);
        }

        /// <summary>
        /// Reads a record; false when its CRC does not match (torn write or bit rot) or, since a CRC-8 passes one
        /// random corruption in 256, when a value lies outside the range the tag ever stores (Sample keeps only
        /// values of the contract's ranges).
        /// </summary>
        public bool Decode(byte[] b, int at, long boot)
        {
            if (ByteCodec.Crc8(b, at, RecordSize - 1) != b[at + 19])
            {
                return false;
            }
            Boot = boot;
            Seq = ByteCodec.GetU32(b, at);
            StampMs = ByteCodec.GetI48(b, at + 4);
            int flags = b[at + 18];
            Synced = (flags & FlagSynced) != 0;
            HasTemp = (flags & FlagNoTemp) == 0;
            TempCenti = ByteCodec.GetI16(b, at + 10);
            HasHumidity = (flags & FlagNoHumidity) == 0;
            HumidityDeci = ByteCodec.GetU16(b, at + 12);
            HasPressure = (flags & FlagNoPressure) == 0;
            PressureDeci = ByteCodec.GetU16(b, at + 14);
            HasPeak = (flags & FlagNoPeak) == 0;
            PeakCentiG = ByteCodec.GetU16(b, at + 16);
            ThinLevel = flags >> ThinLevelShift;
            return (!HasTemp || (TempCenti >= Limits.TempMinCenti && TempCenti <= Limits.TempMaxCenti))
                && (!HasHumidity || (HumidityDeci >= Limits.HumidityMinDeci && HumidityDeci <= Limits.HumidityMaxDeci))
                && (!HasPressure || (PressureDeci >= Limits.PressureMinDeci && PressureDeci <= Limits.PressureMaxDeci))
                && (!HasPeak || (PeakCentiG >= Limits.PeakMinCentiG && PeakCentiG <= Limits.PeakMaxCentiG));
        }

        public void CopyFrom(Reading other)
        {
            Boot = other.Boot;
            Seq = other.Seq;
            StampMs = other.StampMs;
            Synced = other.Synced;
            HasTemp = other.HasTemp;
            TempCenti = other.TempCenti;
            HasHumidity = other.HasHumidity;
            HumidityDeci = other.HumidityDeci;
            HasPressure = other.HasPressure;
            PressureDeci = other.PressureDeci;
            HasPeak = other.HasPeak;
            PeakCentiG = other.PeakCentiG;
            ThinLevel = other.ThinLevel;
        }
    }
}
