namespace Tracking.Gateway.Api.Live;

/// <summary>The "Live" settings section: the fleet list's view and the Server-Sent Events stream (docs/api.md).</summary>
public sealed class LiveOptions
{
    public const string SectionName = "Live";

    /// <summary>
    /// What the stream keeps for resuming with <c>Last-Event-ID</c>, in readings (a <c>readings</c> event counts its
    /// readings, any other event 1); a resume from further back gets a <c>reset</c>.
    /// </summary>
    public int StreamWindow { get; set; } = 10_000;

    /// <summary>
    /// What one client may have waiting, counted as the window is (readings, 1 per other event); a client further behind
    /// is disconnected (it may resume). As large as the window by default: a queued event is also in the window (the
    /// client is at most this far behind the newest), so the queue costs a reference per event, not the event; 1,000
    /// was 0.1 s at the ingest rate, and 100 clients on a busy machine kept falling that far behind, reconnecting and
    /// replaying (bench/README.md, sse-fanout).
    /// </summary>
    public int ClientQueue { get; set; } = 10_000;

    /// <summary>
    /// How long readings gather before they leave as one <c>readings</c> event per fleet (0: an event per telemetry
    /// message). One event of many readings, framed once for all clients, instead of one per reading and client: 100
    /// clients at the ingest rate were 10 million deliveries per 100,000 readings (bench/README.md, sse-fanout). The
    /// price is this much more lag at most; the dashboard redraws every 250 ms anyway.
    /// </summary>
    public TimeSpan StreamBatch { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How many entries (container names, tag names and streams, a stream being a container and tag pair) one fleet's
    /// stream name table holds at most. A <c>readings</c> event refers to a reading's container and tag by the index of
    /// their stream in the table and names only the names and streams it introduces; a client gets the whole table when it
    /// connects (a <c>names</c> event). Naming them in every event was about 25 of the 59 bytes a reading cost every client
    /// (bench/README.md, sse-fanout). The table only grows while the gateway runs, so this bounds its memory (about 100 B a
    /// name, 50 B a stream, with their indexes) and the size of a connection's <c>names</c> events; a fleet whose table
    /// would pass it starts a new one, and its next event names everything it uses again from index 0 (docs/api.md, "Names").
    /// </summary>
    public int StreamNames { get; set; } = 100_000;

    /// <summary>
    /// The shortest time between two writes to one client: events that come sooner after a write wait for the rest of it
    /// and leave together, in one write and one flush (0: a write whenever events wait). A stream idle for longer writes
    /// the next event at once. At the ingest rate a batch closes every 40 to 50 ms; 100 clients each got a write, a
    /// wake-up and a send per batch (bench/README.md, "Issue 13 figures: SSE fan-out (branch fanout13, December 2026)").
    /// The price is this much more lag at most, under load only. A client whose queue is half full
    /// (<see cref="ClientQueue"/>) is written to at once: the wait never makes a client slow.
    /// 250 ms (four writes a second, an operator's screen still live): at 100 ms, each write a timer, a wake-up, a flush and a
    /// send per client, 100 clients at the ingest rate cost the ingest ratio 4.5 % and 7.9 % in two runs (target 5 %); at
    /// 250 ms -0.8 % and the figure in bench/README.md ("Issue 13: the write interval"), for a lag p50 of 161 ms instead of 85.
    /// </summary>
    public TimeSpan StreamWriteInterval { get; set; } = TimeSpan.FromMilliseconds(250);

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
