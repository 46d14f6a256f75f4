using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>The real file system, counting the checkpoint files written (each one is a write and an fsync).</summary>
internal sealed class CountingSpoolFileSystem : SpoolFileSystem
{
    private int _checkpoints;

    public int Checkpoints => Volatile.Read(ref _checkpoints);

    public override void WriteCheckpoint(string path, ReadOnlySpan<byte> data)
    {
        Interlocked.Increment(ref _checkpoints);
        base.WriteCheckpoint(path, data);
    }
}
