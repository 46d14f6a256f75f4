namespace ContainerTag.Core.Protocol
{
    /// <summary>Event kinds of the v1 contract and the name of each kind's value field.</summary>
    public static class EventKind
    {
        public const int Shock = 1;
        public const int TempHigh = 2;
        public const int TempLow = 3;
        public const int BatteryLow = 4;

        /// <summary>The "kind" string on the wire, or null for an unknown code.</summary>
        public static string Name(int kind)
        {
            switch (kind)
            {
                case Shock: return "shock";
                case TempHigh: return "temp_high";
                case TempLow: return "temp_low";
                case BatteryLow: return "battery_low";
                default: return null;
            }
        }

        /// <summary>The value field: "g" (peak g), "temp_c" (degC) or "bat" (V).</summary>
        public static string ValueField(int kind)
        {
            switch (kind)
            {
                case Shock: return "g";
                case TempHigh: return "temp_c";
                case TempLow: return "temp_c";
                case BatteryLow: return "bat";
                default: return null;
            }
        }
    }
}
