using ContainerTag.Core.Storage;

namespace ContainerTag.Core.Protocol
{
    /// <summary>One event message (docs/protocol.md section 4.2).</summary>
    public static class EventEncoder
    {
        public static void Encode(TagEvent e, TimeBases bases, long nowMs, bool clockSynced, PayloadWriter w)
        {
            bool absolute;
            bool estimated;
            long time = bases.Resolve(e.Boot, e.StampMs, e.Synced, clockSynced, out absolute, out estimated);
            w.Reset();
            w.Raw("{\"v\":1,\"boot\":");
            w.Integer(e.Boot);
            w.Raw(",\"seq\":");
            w.Integer(e.Seq);
            if (absolute)
            {
                w.Raw(",\"ts\":");
                w.Integer(TelemetryEncoder.Clamp(time, 0, Limits.MaxUnixMs));
            }
            else
            {
                w.Raw(",\"a0\":");
                w.Integer(TelemetryEncoder.Clamp(nowMs - time, 0, Limits.MaxAgeMs));
            }
            if (estimated)
            {
                w.Raw(",\"t_est\":true");
            }
            w.Raw(",\"kind\":");
            w.String(EventKind.Name(e.Kind));
            w.Raw(",\"");
            w.Raw(EventKind.ValueField(e.Kind));
            w.Raw("\":");
            w.Fixed(e.ValueCenti, 2);
            w.Byte('}');
        }
    }
}
