using Microsoft.Win32.SafeHandles;
using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Tests.Observability;

/// <summary>The real file system, except that writes or checkpoints fail (as on a full disk) while the test says so.</summary>
internal sealed class FailingSpoolFileSystem : SpoolFileSystem
{
    public bool FailWrites { get; set; }

    public bool FailCheckpoints { get; set; }

    public override void Write(SafeFileHandle file, ReadOnlySpan<byte> data, long offset)
    {
        if (FailWrites) throw new IOException("No space left on device (test)");
        base.Write(file, data, offset);
    }

    public override void WriteCheckpoint(string path, ReadOnlySpan<byte> data)
    {
        if (FailCheckpoints) throw new IOException("No space left on device (test checkpoint)");
        base.WriteCheckpoint(path, data);
    }
}
