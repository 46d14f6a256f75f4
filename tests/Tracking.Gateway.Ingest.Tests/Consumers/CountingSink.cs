using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;

namespace Tracking.Gateway.Ingest.Tests.Consumers;

/// <summary>InfluxDB up: every write settles at once, every line written; counts the lines.</summary>
public sealed class CountingSink : ILineSink
{
    private int _lines;

    public int Lines => Volatile.Read(ref _lines);

    public LineProtocolBuffer CreateBuffer() => new();

    public Task<WriteResult> WriteAsync(LineProtocolBuffer lines, CancellationToken ct)
    {
        Interlocked.Add(ref _lines, lines.LineCount);
        return Task.FromResult(new WriteResult([.. Enumerable.Range(0, lines.LineCount)
            .Select(i => new LineOutcome(i, lines.GetItemId(i), LineWriteStatus.Written, null))]));
    }
}
