using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Group;

/// <summary>
/// Drains the spools of dead peers (<see cref="SpoolOptions.Peers"/>): what a gateway acknowledged to the broker but had
/// not yet written to InfluxDB, or handed to its rules, when it died. The takeover (<see cref="GroupTakeover"/>) brings a
/// dead member's broker queue to a survivor; without this its spool waited for the member to start again.
/// <para>
/// Every <see cref="SpoolOptions.AdoptInterval"/> each peer's directory is opened as a <see cref="DiskSpool"/>, which
/// takes its exclusive lock (<see cref="SpoolLock"/>) without waiting: a running peer holds it, so failing to get it means
/// alive, and getting it proves that no gateway runs on the spool (the OS drops a killed process's lock). The spool is then
/// read from the peer's own checkpoints by the same stages the gateway runs on its own: a <see cref="WriterStage"/> to
/// InfluxDB (the survivor's writer and dead-letter file; the points are the same on every replay, so what the peer had
/// written already is overwritten with itself) and a <see cref="ConsumerStage"/> per consumer of this gateway (the
/// rules: with shared rules the inputs go to the PostgreSQL input log, which does not append a row twice). Each stage
/// confirms as it goes into the peer's checkpoint files, so a survivor that dies mid-drain leaves the rest to the next
/// survivor, or to the peer when it starts again: nothing lost, nothing doubled beyond the idempotent rewrites of records
/// read but not yet confirmed. Once every reader this gateway has is confirmed to the end, the spool is closed, which
/// releases the lock; a peer that came back meanwhile waited for it (GatewayService logs that) and finds its spool drained.
/// </para>
/// <para>
/// A checkpoint file of a reader this gateway does not have (a consumer configured only on the peer) is kept as it is:
/// its segments stay until the peer reads them itself; such a reader is logged once per peer.
/// </para>
/// </summary>
public sealed partial class PeerSpoolAdopter
{
    /// <summary>How often a consumer's drain checks whether its reader is confirmed to the end.</summary>
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(50);

    private readonly SpoolOptions _own;
    private readonly Func<DiskSpool, WriterStage> _createWriter;
    private readonly ISpoolConsumer[] _consumers;
    private readonly bool _strictContainerIds;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, long> _adoptedRecords = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PeerSpoolState> _states = new(StringComparer.Ordinal);
    private readonly HashSet<string> _foreignReadersLogged = new(StringComparer.Ordinal);
    private long _adoptions;
    private long _failures;
    private int _active;

    /// <param name="own">This gateway's spool settings: its <see cref="SpoolOptions.Peers"/> and interval, and the sizes a peer's spool is opened with.</param>
    /// <param name="createWriter">A writer stage for a peer's spool, writing through this gateway's InfluxDB writer and dead letters.</param>
    /// <param name="consumers">This gateway's consumers, wrapped so that the peer's stage and its own never call one at once (<see cref="SerializedConsumer"/>).</param>
    public PeerSpoolAdopter(SpoolOptions own, Func<DiskSpool, WriterStage> createWriter, IEnumerable<ISpoolConsumer> consumers,
        bool strictContainerIds, ILoggerFactory loggers, TimeProvider? time = null)
    {
        _own = own;
        _createWriter = createWriter;
        _consumers = [.. consumers];
        _strictContainerIds = strictContainerIds;
        _loggers = loggers;
        _logger = loggers.CreateLogger<PeerSpoolAdopter>();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Adoptions that found records of a dead peer and drained them.</summary>
    public long Adoptions => Interlocked.Read(ref _adoptions);

    /// <summary>Tries that ended in an error (retried at the next interval).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Records drained from peers' spools by reader (the writer's are the records written to InfluxDB).</summary>
    public IReadOnlyDictionary<string, long> AdoptedRecords
    {
        get { lock (_adoptedRecords) return new Dictionary<string, long>(_adoptedRecords, StringComparer.Ordinal); }
    }

    /// <summary>Tries every peer now and then every <see cref="SpoolOptions.AdoptInterval"/>, until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (true)
        {
            foreach (string peer in _own.Peers) await TryAdoptAsync(peer, ct).ConfigureAwait(false);
            await Task.Delay(_own.AdoptInterval, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One try of one peer: drains its spool if its lock is free and it holds records for this gateway's readers. Errors
    /// are logged and counted (the next try starts again from the peer's checkpoints); only cancellation is thrown.
    /// </summary>
    public async Task<PeerSpoolState> TryAdoptAsync(string peer, CancellationToken ct)
    {
        PeerSpoolState state;
        try
        {
            state = await TryAdoptCoreAsync(peer, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            LogInterrupted(_logger, peer);
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _failures);
            LogFailed(_logger, ex, peer, ex.Message);
            state = PeerSpoolState.Failed;
        }

        lock (_states) _states[peer] = state;
        return state;
    }

    private async Task<PeerSpoolState> TryAdoptCoreAsync(string peer, CancellationToken ct)
    {
        // Not created here: a peer that never ran has nothing to drain, and its directory is its to create (0700).
        if (!Directory.Exists(peer)) return PeerSpoolState.Absent;
        string[] drained = [DiskSpool.WriterReader, .. _consumers.Select(c => c.Name)];
        string[] readers = [.. drained.Union(DiskSpool.ReadersIn(peer), StringComparer.Ordinal)];
        DiskSpool spool;
        try
        {
            spool = DiskSpool.Open(PeerOptions(peer), _loggers.CreateLogger<DiskSpool>(), readers);
        }
        catch (SpoolLockedException)
        {
            return PeerSpoolState.Alive;
        }

        using (spool)
        {
            foreach (string reader in readers.Except(drained, StringComparer.Ordinal))
            {
                long left = spool.PendingRecordsOf(reader);
                if (left > 0 && _foreignReadersLogged.Add(peer + "\n" + reader)) LogForeignReader(_logger, peer, reader, left);
            }

            Dictionary<string, long> pending = drained.ToDictionary(r => r, spool.PendingRecordsOf, StringComparer.Ordinal);
            if (pending.Values.All(p => p == 0)) return PeerSpoolState.Dead;
            LogAdopting(_logger, peer, Describe(pending));
            var took = Stopwatch.StartNew();
            Interlocked.Increment(ref _active);
            try
            {
                await DrainAsync(spool, ct).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _active);
                // What was confirmed counts, also when the drain was interrupted.
                lock (_adoptedRecords)
                {
                    foreach (string reader in drained)
                    {
                        _adoptedRecords[reader] = _adoptedRecords.GetValueOrDefault(reader) + pending[reader] - spool.PendingRecordsOf(reader);
                    }
                }
            }

            Interlocked.Increment(ref _adoptions);
            LogAdopted(_logger, peer, Describe(pending), took.Elapsed.TotalSeconds);
            return PeerSpoolState.Drained;
        }
    }

    /// <summary>The writer and every consumer side by side, each from its checkpoint to the end; the first failure stops the rest.</summary>
    private async Task DrainAsync(DiskSpool spool, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ring = new DecodedBatchRing();
        var stages = new List<Task> { Guard(_createWriter(spool).DrainAsync(stop.Token), stop) };
        foreach (ISpoolConsumer consumer in _consumers) stages.Add(Guard(DrainConsumerAsync(spool, consumer, ring, stop.Token), stop));
        await Task.WhenAll(stages).ConfigureAwait(false);
    }

    private static async Task Guard(Task stage, CancellationTokenSource stop)
    {
        try
        {
            await stage.ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs a consumer's stage on the peer's spool until its reader is confirmed to the end (a consumer with a save interval
    /// is confirmed after its save, that long after the last batch), then stops it: nothing is left unconfirmed behind.
    /// </summary>
    private async Task DrainConsumerAsync(DiskSpool spool, ISpoolConsumer consumer, DecodedBatchRing ring, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stage = new ConsumerStage(spool, consumer, _strictContainerIds, _loggers.CreateLogger<ConsumerStage>(), time: null, ring);
        Task run = stage.RunAsync(stop.Token);
        while (spool.PendingRecordsOf(consumer.Name) > 0 && !run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(DrainPoll, ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }

        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await run.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        ct.ThrowIfCancellationRequested();
    }

    private SpoolOptions PeerOptions(string peer) => new()
    {
        Directory = peer,
        SegmentBytes = _own.SegmentBytes,
        MaxBytes = _own.MaxBytes,
        CommitMaxMessages = _own.CommitMaxMessages,
        CommitMaxDelay = _own.CommitMaxDelay,
    };

    private static string Describe(Dictionary<string, long> pending) =>
        string.Join(", ", pending.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")));

    public void WriteMetrics(StringBuilder text)
    {
        int alive = 0, dead = 0, absent = 0;
        lock (_states)
        {
            foreach (PeerSpoolState state in _states.Values)
            {
                if (state == PeerSpoolState.Alive) alive++;
                else if (state is PeerSpoolState.Dead or PeerSpoolState.Drained) dead++;
                else if (state == PeerSpoolState.Absent) absent++;
            }
        }

        text.Append("# HELP tracking_gateway_spool_peers Peers' spools (Spool:Peers) by the last try of their lock: alive (held by a running gateway), dead (free; drained), absent (no directory)\n")
            .Append("# TYPE tracking_gateway_spool_peers gauge\n")
            .Append(CultureInfo.InvariantCulture, $"tracking_gateway_spool_peers{{state=\"alive\"}} {alive}\n")
            .Append(CultureInfo.InvariantCulture, $"tracking_gateway_spool_peers{{state=\"dead\"}} {dead}\n")
            .Append(CultureInfo.InvariantCulture, $"tracking_gateway_spool_peers{{state=\"absent\"}} {absent}\n");
        Line(text, "tracking_gateway_spool_adoptions_total", "counter", "Dead peers' spools found holding records and drained", Adoptions);
        text.Append("# HELP tracking_gateway_spool_adopted_records_total Records of dead peers' spools confirmed by this gateway, by spool reader (writer: written to InfluxDB)\n")
            .Append("# TYPE tracking_gateway_spool_adopted_records_total counter\n");
        foreach (string reader in (string[])[DiskSpool.WriterReader, .. _consumers.Select(c => c.Name)])
        {
            long records;
            lock (_adoptedRecords) records = _adoptedRecords.GetValueOrDefault(reader);
            text.Append(CultureInfo.InvariantCulture, $"tracking_gateway_spool_adopted_records_total{{reader=\"{reader}\"}} {records}\n");
        }

        Line(text, "tracking_gateway_spool_adoption_failures_total", "counter", "Tries of a peer's spool that ended in an error (retried)", Failures);
        Line(text, "tracking_gateway_spool_adoption_active", "gauge", "Peers' spools being drained now", Volatile.Read(ref _active));
    }

    private static void Line(StringBuilder text, string name, string type, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");

    [LoggerMessage(EventId = 432, Level = LogLevel.Warning, Message = "Peer spool {Peer} is not locked: its gateway is dead; adopting it, pending by reader: {Pending}")]
    private static partial void LogAdopting(ILogger logger, string peer, string pending);

    [LoggerMessage(EventId = 433, Level = LogLevel.Information, Message = "Peer spool {Peer} drained ({Pending} record(s) by reader) in {Seconds:0.0} s; lock released")]
    private static partial void LogAdopted(ILogger logger, string peer, string pending, double seconds);

    [LoggerMessage(EventId = 434, Level = LogLevel.Error, Message = "Adopting peer spool {Peer} failed ({Error}); its checkpoints keep what was done, tried again later")]
    private static partial void LogFailed(ILogger logger, Exception ex, string peer, string error);

    [LoggerMessage(EventId = 435, Level = LogLevel.Information, Message = "Adoption of peer spool {Peer} stopped with the gateway; the rest stays in it for the next survivor or the peer")]
    private static partial void LogInterrupted(ILogger logger, string peer);

    [LoggerMessage(EventId = 436, Level = LogLevel.Warning, Message = "Peer spool {Peer} holds {Records} record(s) for reader {Reader}, which this gateway does not have; they stay for the peer")]
    private static partial void LogForeignReader(ILogger logger, string peer, string reader, long records);
}
