namespace Tracking.Gateway.Ingest.Decoding;

public enum MessageKind
{
    Telemetry,
    Event,
    Status,
    /// <summary>Retained configuration the gateway itself publishes to tags; matched by the subscription, not ingested.</summary>
    Config,
}
