using System.Text;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Dedupe;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Support;

namespace Tracking.Gateway.Ingest.Tests.Dedupe;

/// <summary>After a crash the broker redelivers what was spooled but not acknowledged: the refilled filter must catch it.</summary>
public sealed class DedupeRefillTests : IDisposable
{
    private const string Tag = "fleet1/CSQU3054383/tag7";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "refill-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private static void Append(DiskSpool spool, string kind, string payload)
    {
        string topic = $"tracking/v1/{Tag}/{kind}";
        Assert.True(spool.TryAppend(SpoolRecords.Of(topic, payload, 1_732_600_100_000)));
    }

    [Fact]
    public void Keys_of_unconfirmed_records_are_remembered_across_a_restart_and_confirmed_ones_are_not()
    {
        var options = new SpoolOptions { Directory = _dir, SegmentBytes = 4096, MaxBytes = 1 << 20 };
        using (var spool = DiskSpool.Open(options))
        {
            Append(spool, "telemetry", """{"v":1,"boot":2,"seq":0,"t0":1732600000000,"bat":3.9,"r":[[0,1,1,1000,0]]}""");
            spool.Commit();
            using (var reader = spool.CreateReader())
            {
                Assert.Equal(1, reader.Read(10, 0, static (_, _, _) => { }));
                spool.Confirm(reader.Position, 1);   // written to InfluxDB: no longer in the spool's pending part
            }

            Append(spool, "telemetry", """{"v":1,"boot":3,"seq":120,"a0":5000,"bat":3.9,"r":[[0,1,1,1000,0],[300000,2,2,1000,0],[600000,3,3,1000,0]]}""");
            Append(spool, "event", """{"v":1,"boot":3,"seq":7,"ts":1732600000000,"kind":"shock","g":6.4}""");
            Append(spool, "status", """{"v":1,"online":false}""");
            spool.Commit();
        } // "crash": nothing more confirmed

        using var reopened = DiskSpool.Open(options);
        var filter = new DuplicateFilter();
        Assert.Equal(3, DedupeRefill.Fill(filter, reopened, strictContainerIds: true));
        Assert.True(filter.IsDuplicate(Tag, MessageKind.Telemetry, 3, 120, 3));   // the same batch again
        Assert.True(filter.IsDuplicate(Tag, MessageKind.Telemetry, 3, 121, 2));   // or re-split
        Assert.True(filter.IsDuplicate(Tag, MessageKind.Event, 3, 7));
        Assert.False(filter.IsDuplicate(Tag, MessageKind.Event, 3, 120));         // events are their own stream
        Assert.False(filter.IsDuplicate(Tag, MessageKind.Telemetry, 3, 122, 2));  // 123 is new
        Assert.False(filter.IsDuplicate(Tag, MessageKind.Telemetry, 2, 0, 1));    // confirmed before the crash
        Assert.Equal(3, reopened.PendingRecords); // refilling reads, it confirms nothing
    }
}
