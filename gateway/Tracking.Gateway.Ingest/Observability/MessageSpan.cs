namespace Tracking.Gateway.Ingest.Observability;

/// <summary>What <see cref="MessageTimings"/> times for every message InfluxDB acknowledged.</summary>
public enum MessageSpan
{
    /// <summary>From the message's arrival at the gateway until InfluxDB acknowledged its points.</summary>
    ArrivalToWritten,
    /// <summary>From the timestamp of the message's newest point until InfluxDB acknowledged it.</summary>
    ReadingToWritten,
}
