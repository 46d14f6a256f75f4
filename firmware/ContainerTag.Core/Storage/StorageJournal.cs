using ContainerTag.Core.Hardware;

namespace ContainerTag.Core.Storage
{
    /// <summary>
    /// Makes a multi-blob change (rewrite some blocks, delete others) all-or-nothing across power cuts
    /// without a rename primitive: the whole change is first written to one journal blob with a CRC,
    /// then applied, then the journal is deleted. At start-up a complete journal is applied again
    /// (every step is idempotent); an incomplete one means nothing was applied yet and is dropped.
    /// </summary>
    public class StorageJournal
    {
        private const int Magic = 0x4A54; // "TJ"
        private readonly IStorage _storage;
        private readonly string _name;
        private readonly ByteStream _body = new ByteStream(1024);
        private int _writes;
        private int _deletes;
        private readonly System.Collections.ArrayList _deleteNames = new System.Collections.ArrayList();

        public StorageJournal(IStorage storage, string name)
        {
            _storage = storage;
            _name = name;
        }

        /// <summary>Starts a new change set.</summary>
        public void Begin()
        {
            _body.Position = 0;
            _writes = 0;
            _deletes = 0;
            _deleteNames.Clear();
        }

        public void AddWrite(string name, byte[] data, int offset, int count)
        {
            _body.WriteAscii(name);
            _body.WriteU32(count);
            _body.WriteBytes(data, offset, count);
            _writes++;
        }

        public void AddDelete(string name)
        {
            _deleteNames.Add(name);
            _deletes++;
        }

        /// <summary>Persists the change set, applies it and removes the journal.</summary>
        public void Commit()
        {
            ByteStream all = new ByteStream(_body.Position + 64);
            all.WriteU16(Magic);
            all.WriteU16(_writes);
            all.WriteBytes(_body.Buffer, 0, _body.Position);
            all.WriteU16(_deletes);
            for (int i = 0; i < _deleteNames.Count; i++)
            {
                all.WriteAscii((string)_deleteNames[i]);
            }
            int body = all.Position;
            long crc = ByteCodec.Crc32(all.Buffer, 0, body);
            all.WriteU32(crc);
            _storage.Write(_name, all.Buffer, 0, all.Position);
            Apply(all.Buffer, body);
            _storage.Delete(_name);
        }

        /// <summary>Finishes or discards a change set interrupted by a power cut. True if one was applied.</summary>
        public bool Recover()
        {
            int size = _storage.GetSize(_name);
            if (size < 0)
            {
                return false;
            }
            byte[] data = new byte[size];
            int n = _storage.Read(_name, 0, data, 0, size);
            bool applied = false;
            if (n == size && size >= 10 && ByteCodec.Crc32(data, 0, size - 4) == ByteCodec.GetU32(data, size - 4))
            {
                applied = Apply(data, size - 4);
            }
            _storage.Delete(_name);
            return applied;
        }

        /// <summary>
        /// Checks the whole change set first and applies it only when it is well-formed, so a journal that
        /// passes its CRC but is malformed (a format bug, a CRC collision) changes nothing rather than half.
        /// </summary>
        private bool Apply(byte[] data, int length)
        {
            if (!Walk(data, length, false))
            {
                return false;
            }
            Walk(data, length, true);
            return true;
        }

        /// <summary>Reads the change set, performing it when apply is set; false when it is malformed.</summary>
        private bool Walk(byte[] data, int length, bool apply)
        {
            ByteStream r = new ByteStream(data, length);
            if (r.ReadU16() != Magic)
            {
                return false;
            }
            int writes = r.ReadU16();
            for (int i = 0; i < writes && !r.Overrun; i++)
            {
                string name = r.ReadAscii();
                long count = r.ReadU32();
                int at = r.Position;
                // compared as long: a count near 2^32 must not wrap to a negative or small int
                if (r.Overrun || name.Length == 0 || count > length - at)
                {
                    return false;
                }
                r.Position = at + (int)count;
                if (apply)
                {
                    _storage.Write(name, data, at, (int)count);
                }
            }
            int deletes = r.ReadU16();
            for (int i = 0; i < deletes && !r.Overrun; i++)
            {
                string name = r.ReadAscii();
                if (apply && !r.Overrun)
                {
                    _storage.Delete(name);
                }
            }
            return !r.Overrun && r.Position == length;
        }
    }
}
