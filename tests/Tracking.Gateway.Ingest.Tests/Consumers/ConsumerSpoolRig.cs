using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Support;

namespace Tracking.Gateway.Ingest.Tests.Consumers;

/// <summary>
/// A spool in a directory of its own with the writer's reader and the test's consumer readers, filled with telemetry of
/// one tag (fleet acme) whose values follow from the sequence number: what the consumer-stage tests share. Disposing
/// deletes the directory (the test disposes the spools it opened).
/// </summary>
public sealed class ConsumerSpoolRig(string name, params string[] readers) : IDisposable
{
    public const string Topic = "tracking/v1/acme/CSQU3054383/tag-1/telemetry";

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "tracking-tests", name + "-" + Guid.NewGuid().ToString("N"));

    /// <summary>Opens (or reopens, after a simulated restart) the spool with the writer's and the rig's readers.</summary>
    public DiskSpool Open() => DiskSpool.Open(new SpoolOptions { Directory = Directory }, readers: [DiskSpool.WriterReader, .. readers]);

    /// <summary>
    /// Appends and commits <paramref name="count"/> batches from <paramref name="from"/>: batch i has seq 2i, time
    /// 1,732,600,000,000 + i x 10 min and two readings, the second at (i mod 80).25 C five minutes later.
    /// </summary>
    public static void Spool(DiskSpool spool, int from, int count)
    {
        for (int seq = from; seq < from + count; seq++)
        {
            string payload = $"{{\"v\":1,\"boot\":3,\"seq\":{seq * 2},\"t0\":{1_732_600_000_000L + seq * 600_000L},\"bat\":3.9,\"r\":[[0,4.5,55,1013.2,0.1],[300000,{seq % 80}.25,56,1013,0.2]]}}";
            Assert.True(spool.TryAppend(SpoolRecords.Of(Topic, payload, 1_732_700_000_000)));
        }

        Assert.True(spool.Commit());
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
