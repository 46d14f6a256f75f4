namespace ContainerTag.Core.Hardware
{
    /// <summary>
    /// Named blobs in flash (I:\ on the device). Names are short ASCII ([a-z0-9.-]); there are no
    /// folders. Each call either completes or throws; a power cut during Write or Append may leave
    /// the blob truncated, which Core detects (CRCs, journal) and repairs.
    /// </summary>
    public interface IStorage
    {
        /// <summary>Names of all blobs that start with the prefix, in any order.</summary>
        string[] List(string prefix);

        /// <summary>Size in bytes, or -1 when the blob does not exist.</summary>
        int GetSize(string name);

        /// <summary>Reads up to count bytes at offset; returns how many were read (0 if missing).</summary>
        int Read(string name, int offset, byte[] buffer, int bufferOffset, int count);

        /// <summary>Creates or replaces the blob with exactly these bytes.</summary>
        void Write(string name, byte[] data, int offset, int count);

        /// <summary>Appends the bytes, creating the blob if missing.</summary>
        void Append(string name, byte[] data, int offset, int count);

        /// <summary>Deletes the blob; does nothing when it does not exist.</summary>
        void Delete(string name);
    }
}
