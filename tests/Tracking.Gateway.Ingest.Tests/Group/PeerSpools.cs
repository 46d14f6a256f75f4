using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Support;

namespace Tracking.Gateway.Ingest.Tests.Group;

/// <summary>
/// Spool directories of "peers" for the adoption tests, under one temporary root: a dead peer's spool is one written and
/// closed (its lock released, as the OS releases a killed gateway's); <see cref="HoldLockInChild"/> holds a lock from
/// another process, to be SIGKILLed.
/// </summary>
internal sealed class PeerSpools : IDisposable
{
    public const string Topic = "tracking/v1/fleet/CSQU3054383/tag-1/telemetry";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "tracking-tests", "peers-" + Guid.NewGuid().ToString("N"));

    public string PathOf(string peer) => Path.Combine(Root, peer);

    /// <summary>A peer's spool holding <paramref name="count"/> committed telemetry records (seq 1..count) none of <paramref name="readers"/> confirmed.</summary>
    public string Dead(string peer, int count, params string[] readers)
    {
        string directory = PathOf(peer);
        using DiskSpool spool = DiskSpool.Open(new SpoolOptions { Directory = directory }, NullLogger.Instance, readers.Length == 0 ? null : readers);
        for (int seq = 1; seq <= count; seq++)
        {
            string payload = $"{{\"v\":1,\"boot\":1,\"seq\":{seq},\"t0\":{1_732_600_000_000L + seq * 1000L},\"bat\":3.9,\"r\":[[0,4.5,55.0,1013.2,0.1]]}}";
            Assert.True(spool.TryAppend(SpoolRecords.Of(Topic, payload, 1_732_700_000_000)));
        }

        Assert.True(spool.Commit());
        return directory;
    }

    public static DiskSpool Reopen(string directory, params string[] readers) =>
        DiskSpool.Open(new SpoolOptions { Directory = directory }, NullLogger.Instance, readers);

    /// <summary>
    /// A child process (bash, util-linux flock: the same flock(2) .NET takes for FileShare.None) holding the exclusive lock
    /// of <paramref name="directory"/>; returned once it holds it. Kill it with <c>Kill(true)</c> (SIGKILL).
    /// </summary>
    public static Process HoldLockInChild(string directory)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        // `exec sleep` keeps the locked descriptor 9 in the one process left, so its death is the lock's release.
        foreach (string a in (string[])["-c", "exec 9<>\"$0\"; flock -x -n 9 || exit 3; echo locked; exec sleep 600", Path.Combine(directory, SpoolLock.FileName)])
        {
            psi.ArgumentList.Add(a);
        }

        Process child = Process.Start(psi)!;
        string? line = child.StandardOutput.ReadLine();
        if (line != "locked")
        {
            child.Kill(true);
            throw new InvalidOperationException($"the child did not take the lock (exit {(child.WaitForExit(5000) ? child.ExitCode : -1)})");
        }

        return child;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
