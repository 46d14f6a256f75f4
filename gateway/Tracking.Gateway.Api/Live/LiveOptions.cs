namespace Tracking.Gateway.Api.Live;

/// <summary>The "Live" settings section: the fleet list's view and the Server-Sent Events stream (docs/api.md).</summary>
public sealed class LiveOptions
{
    public const string SectionName = "Live";

    /// <summary>Events the stream keeps for resuming with <c>Last-Event-ID</c>; a resume from further back gets a <c>reset</c>.</summary>
    public int StreamWindow { get; set; } = 10_000;

    /// <summary>
    /// Events one client may have waiting; a client further behind is disconnected (it may resume). As large as the
    /// window by default: a queued event is also in the window (the client is at most this far behind the newest), so
    /// the queue costs a reference per event, not the event; 1,000 was 0.1 s at the ingest rate, and 100 clients on a
    /// busy machine kept falling that far behind, reconnecting and replaying (bench/README.md, sse-fanout).
    /// </summary>
    public int ClientQueue { get; set; } = 10_000;

    /// <summary>How often an idle stream sends a comment line, so proxies and clients see the connection alive.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often the predictive warnings and profiles of containers with new data are read from the rules. A container
    /// first seen, or whose assignment, fleet default or profile changed, is read at once (<see cref="LiveRefresher"/>).
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How far back the refill after a start looks for each tag's latest reading and status in InfluxDB.</summary>
    public TimeSpan RefillLookback { get; set; } = TimeSpan.FromDays(30);
}
