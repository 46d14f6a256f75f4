namespace Tracking.Gateway.Ingest.Observability;

/// <summary>The stages <see cref="StageTimings"/> times, in the order a reading passes them.</summary>
public enum IngestTiming
{
    /// <summary>Ingest: from the first message of a group commit until the group is durable (group wait plus fsync).</summary>
    GroupCommit,
    /// <summary>Ingest: the spool commit (fsync) of a group alone.</summary>
    Fsync,
    /// <summary>Writer: from the arrival of a batch's oldest record until the batch is sent to InfluxDB.</summary>
    SpoolToWrite,
    /// <summary>Writer: one InfluxDB write request, sent until acknowledged (points queryable).</summary>
    InfluxWrite,
    /// <summary>From the arrival of a batch's oldest record until InfluxDB acknowledged it: the gateway's share of the latency.</summary>
    ArrivalToWritten,
}
