namespace ContainerTag.Core.Protocol
{
    /// <summary>
    /// Ranges of the v1 wire contract (docs/protocol.md section 5; the same numbers are in
    /// docs/schema/*.schema.json). The firmware never puts a value outside them on the wire.
    /// </summary>
    public static class Limits
    {
        public const int Version = 1;
        public const int MaxPayloadBytes = 4096;
        public const int MaxReadingsPerBatch = 64;
        public const long MaxOffsetMs = 2147483647;
        public const long MaxUInt32 = 4294967295;

        /// <summary>Latest accepted t0/ts: 9999-12-31T23:59:59.999Z.</summary>
        public const long MaxUnixMs = 253402300799999;

        /// <summary>Largest a0: ten years (3650 days) in ms.</summary>
        public const long MaxAgeMs = 315360000000;

        // BME280 operating ranges (Bosch BST-BME280-DS002, table 1).
        public const int TempMinCenti = -4000;
        public const int TempMaxCenti = 8500;
        public const int HumidityMinDeci = 0;
        public const int HumidityMaxDeci = 1000;
        public const int PressureMinDeci = 3000;
        public const int PressureMaxDeci = 11000;

        /// <summary>
        /// 16 g per axis (ADXL343 at +-16 g) as a three-axis vector magnitude: 16 * sqrt(3) = 27.71 g,
        /// rounded up; values at this bound mean "saturated, at least this much".
        /// </summary>
        public const int PeakMaxCentiG = 2772;
        public const int PeakMinCentiG = 0;

        public const double BatteryMinVolts = 0.0;
        public const double BatteryMaxVolts = 5.0;

        // The sensor ranges in the units of the wire (degC, %RH, hPa, g), as the gateway checks them. IEEE division
        // is correctly rounded, so e.g. 2772 / 100.0 is exactly the double nearest to 27.72.
        public const double TempMinC = TempMinCenti / 100.0;
        public const double TempMaxC = TempMaxCenti / 100.0;
        public const double HumidityMinPct = HumidityMinDeci / 10.0;
        public const double HumidityMaxPct = HumidityMaxDeci / 10.0;
        public const double PressureMinHpa = PressureMinDeci / 10.0;
        public const double PressureMaxHpa = PressureMaxDeci / 10.0;
        public const double PeakMinG = PeakMinCentiG / 100.0;
        public const double PeakMaxG = PeakMaxCentiG / 100.0;

        public const int SampleMinS = 10;
        public const int SampleMaxS = 86400;
        public const int ReportMaxS = 604800;
        public const int DelayMaxS = 86400;
        public const double ShockMinG = 0.5;
        public const double ShockMaxG = 27.7;

        public const int RssiMin = -127;
        public const int RssiMax = 0;
        /// <summary>life_d of -1 means "unknown" (docs/protocol.md section 5).</summary>
        public const int MinLifeDays = -1;
        public const int MaxLifeDays = 36500;

        /// <summary>status "fw": 1 to 32 of [0-9A-Za-z.+_-] (docs/protocol.md section 4.3).</summary>
        public const int MaxFirmwareLength = 32;
        public const int MaxReasonLength = 120;
    }
}
