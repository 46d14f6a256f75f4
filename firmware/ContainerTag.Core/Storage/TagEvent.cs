namespace ContainerTag.Core.Storage
{
    /// <summary>An event waiting for its PUBACK (kept in the state slots, so it survives sleep and reboot).</summary>
    public class TagEvent
    {
        public long Boot;
        public long Seq;
        public long StampMs;
        public bool Synced;

        /// <summary>One of <see cref="ContainerTag.Core.Protocol.EventKind"/>.</summary>
        public int Kind;

        /// <summary>The kind's value in hundredths (0.01 g, 0.01 degC or 0.01 V).</summary>
        public int ValueCenti;

        public void WriteTo(ByteStream s)
        {
            s.WriteU32(Boot);
            s.WriteU32(Seq);
            s.WriteI64(StampMs);
            s.WriteBool(Synced);
            s.WriteU8(Kind);
            s.WriteU32(ValueCenti & 0xFFFFFFFFL);
        }

        public static TagEvent ReadFrom(ByteStream s)
        {
            TagEvent e = new TagEvent();
            e.Boot = s.ReadU32();
            e.Seq = s.ReadU32();
            e.StampMs = s.ReadI64();
            e.Synced = s.ReadBool();
            e.Kind = s.ReadU8();
            e.ValueCenti = (int)s.ReadU32();
            return e;
        }
    }
}
