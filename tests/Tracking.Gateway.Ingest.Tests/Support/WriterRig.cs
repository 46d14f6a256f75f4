using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Influx.Writing;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Support;

/// <summary>
/// A writer stage's surroundings for its unit tests: a spool and a dead-letter file in a directory of their own, a manual
/// clock and the metrics; telemetry records appended and committed; a stage in small batches (2 lines, 2 in flight, no
/// lingering) over any sink.
/// </summary>
internal sealed class WriterRig : IDisposable
{

    public WriterRig(string name, SpoolFileSystem? files = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "tracking-tests", name + "-" + Guid.NewGuid().ToString("N"));
        Spool = DiskSpool.Open(new SpoolOptions { Directory = Directory }, NullLogger.Instance, files ?? SpoolFileSystem.Real);
        DeadLetters = new DeadLetterFile(Directory);
    }

    /// <summary>Where the spool and the dead letters are.</summary>
    public string Directory { get; }

    public DiskSpool Spool { get; }

    public DeadLetterFile DeadLetters { get; }

    public ManualTimeProvider Time { get; } = new();

    public GatewayMetrics Metrics { get; } = new();

    /// <summary>Telemetry of one reading each, seq <paramref name="from"/> on, appended and committed.</summary>
    public void Append(int from, int count)
    {
        const string topic = "tracking/v1/fleet/CSQU3054383/tag-1/telemetry";
        for (int seq = from; seq < from + count; seq++)
        {
            string payload = $"{{\"v\":1,\"boot\":1,\"seq\":{seq},\"t0\":{1_732_600_000_000L + seq * 1000L},\"bat\":3.9,\"r\":[[0,4.5,55.0,1013.2,0.1]]}}";
            Assert.True(Spool.TryAppend(SpoolRecords.Of(topic, payload, 1_732_700_000_000)));
        }

        Assert.True(Spool.Commit());
    }

    /// <param name="manualTime">The stage on <see cref="Time"/>; else on the machine's clock.</param>
    public WriterStage Stage(ILineSink sink, TimeSpan confirmInterval = default, bool manualTime = true) =>
        new(Spool, sink, DeadLetters, Metrics, batchLines: 2, maxDelay: TimeSpan.Zero, concurrency: 2, strictContainerIds: true,
            NullLogger.Instance, time: manualTime ? Time : null, confirmInterval: confirmInterval);

    public void Dispose()
    {
        DeadLetters.Dispose();
        Spool.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
