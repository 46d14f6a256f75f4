namespace ContainerTag.Core.Protocol
{
    /// <summary>The retained status message and the will (docs/protocol.md section 4.3).</summary>
    public class StatusMessage
    {
        public string Firmware;
        public long Boot;
        public double BatteryVolts = double.NaN;

        /// <summary>dBm, or int.MinValue when unknown (sent as null).</summary>
        public int Rssi = int.MinValue;

        public int Spool;
        public long Thinned;
        public int LifeDays;

        /// <summary>Effective report interval (after battery stretching).</summary>
        public int ReportS;
        public long Wakes;
        public long RadioMs;
        public long EventsDropped;

        /// <summary>Why the last config message was rejected; null when it was accepted.</summary>
        public string ConfigError;

        /// <summary>The last hardware fault not yet reported (sensor_err); null when none.</summary>
        public string SensorError;

        public void Encode(PayloadWriter w)
        {
            w.Reset();
            w.Raw("{\"v\":1,\"online\":true,\"fw\":");
            w.String(Firmware);
            w.Raw(",\"boot\":");
            w.Integer(Boot);
            w.Raw(",\"bat\":");
            TelemetryEncoder.WriteBattery(w, BatteryVolts);
            w.Raw(",\"rssi\":");
            if (Rssi < Limits.RssiMin || Rssi > Limits.RssiMax)
            {
                w.Null();
            }
            else
            {
                w.Integer(Rssi);
            }
            w.Raw(",\"spool\":");
            w.Integer(Spool);
            w.Raw(",\"thinned\":");
            w.Integer(TelemetryEncoder.Clamp(Thinned, 0, Limits.MaxUInt32));
            w.Raw(",\"life_d\":");
            w.Integer(TelemetryEncoder.Clamp(LifeDays, 0, Limits.MaxLifeDays));
            w.Raw(",\"report_s\":");
            w.Integer(ReportS);
            w.Raw(",\"wakes\":");
            w.Integer(TelemetryEncoder.Clamp(Wakes, 0, Limits.MaxUInt32));
            w.Raw(",\"radio_ms\":");
            w.Integer(TelemetryEncoder.Clamp(RadioMs, 0, Limits.MaxUnixMs));
            if (EventsDropped > 0)
            {
                w.Raw(",\"ev_drop\":");
                w.Integer(TelemetryEncoder.Clamp(EventsDropped, 0, Limits.MaxUInt32));
            }
            if (ConfigError != null)
            {
                w.Raw(",\"cfg_err\":");
                w.String(ConfigError.Length > Limits.MaxReasonLength ? ConfigError.Substring(0, Limits.MaxReasonLength) : ConfigError);
            }
            if (SensorError != null)
            {
                w.Raw(",\"sensor_err\":");
                w.String(SensorError.Length > Limits.MaxReasonLength ? SensorError.Substring(0, Limits.MaxReasonLength) : SensorError);
            }
            w.Byte('}');
        }

        /// <summary>The will message: {"v":1,"online":false}.</summary>
        public static byte[] WillPayload()
        {
            PayloadWriter w = new PayloadWriter(32);
            w.Raw("{\"v\":1,\"online\":false}");
            byte[] result = new byte[w.Length];
            System.Array.Copy(w.Buffer, result, w.Length);
            return result;
        }
    }
}
