using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;

namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>The writer stage's sink in production: one <see cref="InfluxWriter"/>.</summary>
public sealed class InfluxLineSink(InfluxWriter writer) : ILineSink
{
    public LineProtocolBuffer CreateBuffer() => writer.CreateBuffer();
    public Task<WriteResult> WriteAsync(LineProtocolBuffer lines, CancellationToken ct) => writer.WriteAsync(lines, ct);
}
