using Microsoft.Win32.SafeHandles;
using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Tests.Spooling;

/// <summary>
/// The real file system, except that while the test says so a write stores only its first <see cref="TearAfter"/>
/// bytes and then fails with ENOSPC (what the kernel does when the disk fills in the middle of a write: a short write,
/// then the error), or an fsync fails after the write went through. Deterministic, unlike a real full disk.
/// </summary>
internal sealed class TearingSpoolFileSystem : SpoolFileSystem
{
    /// <summary>When set, every write stores at most this many bytes and then throws.</summary>
    public int? TearAfter { get; set; }

    public bool FailFlushes { get; set; }

    public int TornWrites { get; private set; }

    public override void Write(SafeFileHandle file, ReadOnlySpan<byte> data, long offset)
    {
        if (TearAfter is int keep)
        {
            if (keep > 0) base.Write(file, data[..Math.Min(keep, data.Length)], offset);
            TornWrites++;
            throw new IOException("No space left on device (test: short write)");
        }

        base.Write(file, data, offset);
    }

    public override void FlushToDisk(SafeFileHandle file)
    {
        if (FailFlushes) throw new IOException("No space left on device (test: fsync)");
        base.FlushToDisk(file);
    }
}
