using ContainerTag.Core.Storage;

namespace ContainerTag.Core.Protocol
{
    /// <summary>The tag's settings, as carried by the retained config message (protocol section 4.4).</summary>
    public class TagConfig
    {
        public int SampleS = 300;
        public int ReportS = 3600;
        public double TempLowC = 2.0;
        public double TempHighC = 8.0;
        public int TempDelayS = 600;
        public double ShockG = 4.0;
        public double BatteryLowV = 3.4;

        public TagConfig Clone()
        {
            TagConfig c = new TagConfig();
            c.SampleS = SampleS;
            c.ReportS = ReportS;
            c.TempLowC = TempLowC;
            c.TempHighC = TempHighC;
            c.TempDelayS = TempDelayS;
            c.ShockG = ShockG;
            c.BatteryLowV = BatteryLowV;
            return c;
        }

        public bool SameAs(TagConfig o)
        {
            return o != null && SampleS == o.SampleS && ReportS == o.ReportS && TempLowC == o.TempLowC
                && TempHighC == o.TempHighC && TempDelayS == o.TempDelayS && ShockG == o.ShockG && BatteryLowV == o.BatteryLowV;
        }

        /// <summary>Null when every value is in range, else the reason (field name first).</summary>
        public string Validate()
        {
            if (SampleS < Limits.SampleMinS || SampleS > Limits.SampleMaxS)
            {
                return "sample_s: out of range 10..86400";
            }
            if (ReportS < SampleS || ReportS > Limits.ReportMaxS)
            {
                return "report_s: out of range sample_s..604800";
            }
            if (!InRange(TempLowC, -40, 85))
            {
                return "t_lo: out of range -40..85";
            }
            if (!InRange(TempHighC, -40, 85))
            {
                return "t_hi: out of range -40..85";
            }
            if (!(TempLowC < TempHighC))
            {
                return "t_hi: must be greater than t_lo";
            }
            if (TempDelayS < 0 || TempDelayS > Limits.DelayMaxS)
            {
                return "t_delay_s: out of range 0..86400";
            }
            if (!InRange(ShockG, Limits.ShockMinG, Limits.ShockMaxG))
            {
                return "shock_g: out of range 0.5..27.7";
            }
            if (!InRange(BatteryLowV, 0, Limits.BatteryMaxVolts))
            {
                return "bat_lo: out of range 0..5";
            }
            return null;
        }

        private static bool InRange(double v, double lo, double hi)
        {
            return !double.IsNaN(v) && v >= lo && v <= hi;
        }

        public void WriteTo(ByteStream s)
        {
            s.WriteU32(SampleS);
            s.WriteU32(ReportS);
            s.WriteDouble(TempLowC);
            s.WriteDouble(TempHighC);
            s.WriteU32(TempDelayS);
            s.WriteDouble(ShockG);
            s.WriteDouble(BatteryLowV);
        }

        public static TagConfig ReadFrom(ByteStream s)
        {
            TagConfig c = new TagConfig();
            c.SampleS = (int)s.ReadU32();
            c.ReportS = (int)s.ReadU32();
            c.TempLowC = s.ReadDouble();
            c.TempHighC = s.ReadDouble();
            c.TempDelayS = (int)s.ReadU32();
            c.ShockG = s.ReadDouble();
            c.BatteryLowV = s.ReadDouble();
            return c;
        }
    }
}
