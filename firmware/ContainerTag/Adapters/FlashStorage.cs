using System.IO;
using ContainerTag.Core.Hardware;

namespace ContainerTag.Device.Adapters
{
    /// <summary>IStorage over the internal flash file system (LittleFS on I:\).</summary>
    public class FlashStorage : IStorage
    {
        private const string Root = "I:\\";

        public string[] List(string prefix)
        {
            string[] paths = Directory.GetFiles(Root);
            int count = 0;
            string[] names = new string[paths.Length];
            for (int i = 0; i < paths.Length; i++)
            {
                string name = Path.GetFileName(paths[i]);
                if (name.Length >= prefix.Length && name.Substring(0, prefix.Length) == prefix)
                {
                    names[count++] = name;
                }
            }
            string[] result = new string[count];
            System.Array.Copy(names, result, count);
            return result;
        }

        public int GetSize(string name)
        {
            string path = Root + name;
            if (!File.Exists(path))
            {
                return -1;
            }
            FileStream fs = new FileStream(path, FileMode.Open, FileAccess.Read);
            try
            {
                return (int)fs.Length;
            }
            finally
            {
                fs.Dispose();
            }
        }

        public int Read(string name, int offset, byte[] buffer, int bufferOffset, int count)
        {
            string path = Root + name;
            if (!File.Exists(path))
            {
                return 0;
            }
            FileStream fs = new FileStream(path, FileMode.Open, FileAccess.Read);
            try
            {
                if (offset >= fs.Length)
                {
                    return 0;
                }
                fs.Seek(offset, SeekOrigin.Begin);
                int total = 0;
                while (total < count)
                {
                    int n = fs.Read(buffer, bufferOffset + total, count - total);
                    if (n <= 0)
                    {
                        break;
                    }
                    total += n;
                }
                return total;
            }
            finally
            {
                fs.Dispose();
            }
        }

        public void Write(string name, byte[] data, int offset, int count)
        {
            FileStream fs = new FileStream(Root + name, FileMode.Create, FileAccess.Write);
            try
            {
                fs.Write(data, offset, count);
                fs.Flush();
            }
            finally
            {
                fs.Dispose();
            }
        }

        public void Append(string name, byte[] data, int offset, int count)
        {
            FileStream fs = new FileStream(Root + name, FileMode.Append);
            try
            {
                fs.Write(data, offset, count);
                fs.Flush();
            }
            finally
            {
                fs.Dispose();
            }
        }

        public void Delete(string name)
        {
            string path = Root + name;
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }
}
