using Microsoft.Win32.SafeHandles;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// The spool's writes, fsyncs and segment creations: the operations a full or failing disk makes fail. Virtual so that a
/// test can fail them on demand (a real full file system is tested too, where the test may mount one).
/// </summary>
internal class SpoolFileSystem
{
    public static readonly SpoolFileSystem Real = new();

    public virtual void Write(SafeFileHandle file, ReadOnlySpan<byte> data, long offset) => RandomAccess.Write(file, data, offset);

    public virtual void FlushToDisk(SafeFileHandle file) => RandomAccess.FlushToDisk(file);

    public virtual SafeFileHandle CreateSegment(string path) => PrivateFiles.OpenHandle(path, FileMode.CreateNew);

    public virtual void WriteCheckpoint(string path, ReadOnlySpan<byte> data)
    {
        using var stream = new FileStream(path, PrivateFiles.StreamOptions(FileMode.Create, FileAccess.Write, FileShare.None, 0));
        stream.Write(data);
        stream.Flush(flushToDisk: true);
    }
}
