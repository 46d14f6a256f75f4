namespace Tracking.Gateway.Ingest.Consumers;

/// <summary>
/// The fields only a status message has (docs/protocol.md 4.3), kept apart from <see cref="TagMessage"/> so that the
/// readings and events, nearly every message, do not carry nine empty fields each (bench ingest: a <see cref="TagMessage"/>
/// was the largest allocation per message of the consumer stages).
/// </summary>
public sealed record TagStatusFields
{
    public bool Online { get; init; }
    public string? Firmware { get; init; }
    public long? Rssi { get; init; }
    public long? SpoolDepth { get; init; }
    public long? Thinned { get; init; }
    public long? LifeDays { get; init; }
    public long? ReportS { get; init; }
    public string? ConfigError { get; init; }
    public string? SensorError { get; init; }
}
