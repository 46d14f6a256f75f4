using ContainerTag.Core.Hardware;
using ContainerTag.Core.Storage;

namespace ContainerTag.Core.Control
{
    /// <summary>
    /// Keeps <see cref="TagState"/> in two alternating slots ("st.a", "st.b"), each with a generation
    /// number and a CRC-32: a power cut while one slot is written leaves the other, one wake older.
    /// One small write per wake.
    /// </summary>
    public class StateStore
    {
        private const int Magic = 0x5354; // "ST"
        private const int FormatVersion = 1;
        private static readonly string[] Slots = new string[] { "st.a", "st.b" };

        private readonly IStorage _storage;
        private readonly ByteStream _buffer = new ByteStream(512);
        private long _generation;
        private int _slot = 1;

        public StateStore(IStorage storage)
        {
            _storage = storage;
        }

        /// <summary>Fills state from the newest valid slot; false if there is none.</summary>
        public bool Load(TagState state)
        {
            long bestGeneration = -1;
            byte[] best = null;
            int bestLength = 0;
            for (int i = 0; i < Slots.Length; i++)
            {
                int size = _storage.GetSize(Slots[i]);
                if (size < 12)
                {
                    continue;
                }
                byte[] data = new byte[size];
                if (_storage.Read(Slots[i], 0, data, 0, size) != size)
                {
                    continue;
                }
                if (ByteCodec.Crc32(data, 0, size - 4) != ByteCodec.GetU32(data, size - 4))
                {
                    continue;
                }
                if (ByteCodec.GetU16(data, 0) != Magic || data[2] != FormatVersion)
                {
                    continue;
                }
                long generation = ByteCodec.GetU32(data, 3);
                if (generation > bestGeneration)
                {
                    bestGeneration = generation;
                    best = data;
                    bestLength = size - 4;
                    _slot = i;
                }
            }
            if (best == null)
            {
                return false;
            }
            ByteStream s = new ByteStream(best, bestLength);
            s.Position = 7;
            // the CRC matched, so a short body can only come from a format bug; ReadFrom then
            // leaves Initialized false and the tag starts a fresh boot
            state.ReadFrom(s);
            _generation = bestGeneration;
            return state.Initialized;
        }

        public void Save(TagState state)
        {
            _generation++;
            _slot = 1 - _slot;
            ByteStream s = _buffer;
            s.Position = 0;
            s.WriteU16(Magic);
            s.WriteU8(FormatVersion);
            s.WriteU32(_generation);
            state.WriteTo(s);
            long crc = ByteCodec.Crc32(s.Buffer, 0, s.Position);
            s.WriteU32(crc);
            _storage.Write(Slots[_slot], s.Buffer, 0, s.Position);
        }
    }
}
