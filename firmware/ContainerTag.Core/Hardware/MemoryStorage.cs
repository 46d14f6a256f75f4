using System;
using System.Collections;

namespace ContainerTag.Core.Hardware
{
    /// <summary>
    /// IStorage in RAM, for the simulator and tests: it behaves like flash that survives a "reboot" as
    /// long as the same instance is handed to the next TagController.
    /// </summary>
    public class MemoryStorage : IStorage
    {
        private readonly Hashtable _blobs = new Hashtable();

        /// <summary>Bytes currently stored, over all blobs.</summary>
        public int TotalBytes
        {
            get
            {
                int total = 0;
                foreach (DictionaryEntry e in _blobs)
                {
                    total += ((byte[])e.Value).Length;
                }
                return total;
            }
        }

        public virtual string[] List(string prefix)
        {
            ArrayList names = new ArrayList();
            foreach (DictionaryEntry e in _blobs)
            {
                string name = (string)e.Key;
                if (name.StartsWith(prefix))
                {
                    names.Add(name);
                }
            }
            string[] result = new string[names.Count];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = (string)names[i];
            }
            return result;
        }

        public virtual int GetSize(string name)
        {
            byte[] blob = (byte[])_blobs[name];
            return blob == null ? -1 : blob.Length;
        }

        public virtual int Read(string name, int offset, byte[] buffer, int bufferOffset, int count)
        {
            byte[] blob = (byte[])_blobs[name];
            if (blob == null || offset >= blob.Length)
            {
                return 0;
            }
            int n = blob.Length - offset < count ? blob.Length - offset : count;
            Array.Copy(blob, offset, buffer, bufferOffset, n);
            return n;
        }

        public virtual void Write(string name, byte[] data, int offset, int count)
        {
            byte[] blob = new byte[count];
            Array.Copy(data, offset, blob, 0, count);
            _blobs[name] = blob;
        }

        public virtual void Append(string name, byte[] data, int offset, int count)
        {
            byte[] old = (byte[])_blobs[name];
            int oldLength = old == null ? 0 : old.Length;
            byte[] blob = new byte[oldLength + count];
            if (old != null)
            {
                Array.Copy(old, 0, blob, 0, oldLength);
            }
            Array.Copy(data, offset, blob, oldLength, count);
            _blobs[name] = blob;
        }

        public virtual void Delete(string name)
        {
            _blobs.Remove(name);
        }
    }
}
