using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;

namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>Writes a batch of lines; <see cref="InfluxWriter"/> in production.</summary>
public interface ILineSink
{
    LineProtocolBuffer CreateBuffer();
    Task<WriteResult> WriteAsync(LineProtocolBuffer lines, CancellationToken ct);
}
