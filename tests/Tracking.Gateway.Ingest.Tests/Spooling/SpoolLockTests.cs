using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Group;

namespace Tracking.Gateway.Ingest.Tests.Spooling;

/// <summary>
/// The spool directory's exclusive lock (<see cref="SpoolLock"/>): held while a spool is open, refused to a second open
/// (in this process or another), and released when its holder closes the spool or dies.
/// </summary>
public sealed class SpoolLockTests : IDisposable
{
    private readonly PeerSpools _dirs = new();

    [Fact]
    public void An_open_spool_locks_its_directory_until_it_is_closed()
    {
        string directory = _dirs.PathOf("gw");
        var options = new SpoolOptions { Directory = directory };
        DiskSpool first = DiskSpool.Open(options, NullLogger.Instance);
        SpoolLockedException refused = Assert.Throws<SpoolLockedException>(() => DiskSpool.Open(options, NullLogger.Instance));
        Assert.Equal(directory, refused.Directory);
        Assert.Contains("locked by another process", refused.Message, StringComparison.Ordinal);
        Assert.False(SpoolLock.TryAcquire(directory, out _));

        first.Dispose();
        DiskSpool.Open(options, NullLogger.Instance).Dispose();
        // the holder's note (read after the release: .NET's own shared-read open would ask for a shared flock)
        Assert.Contains($"pid {Environment.ProcessId}", File.ReadAllText(Path.Combine(directory, SpoolLock.FileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lock_held_by_another_process_is_refused_and_released_when_that_process_is_killed()
    {
        string directory = _dirs.Dead("gw", 3);
        using (var child = PeerSpools.HoldLockInChild(directory))
        {
            try
            {
                Assert.Throws<SpoolLockedException>(() => PeerSpools.Reopen(directory, DiskSpool.WriterReader));
            }
            finally
            {
                child.Kill(entireProcessTree: true); // SIGKILL: no chance to unlock
                child.WaitForExit();
            }
        }

        using DiskSpool spool = PeerSpools.Reopen(directory, DiskSpool.WriterReader);
        Assert.Equal(3, spool.PendingRecords);
    }

    [Fact]
    public void A_spool_that_cannot_open_releases_its_lock()
    {
        string directory = _dirs.PathOf("gw");
        // An invalid reader name fails before the lock; a damaged segment directory entry fails after it.
        Directory.CreateDirectory(directory);
        Directory.CreateDirectory(Path.Combine(directory, "000000000001.seg"));
        Assert.ThrowsAny<Exception>(() => PeerSpools.Reopen(directory, DiskSpool.WriterReader));
        Assert.True(SpoolLock.TryAcquire(directory, out SpoolLock? held));
        held!.Dispose();
    }

    public void Dispose() => _dirs.Dispose();
}
