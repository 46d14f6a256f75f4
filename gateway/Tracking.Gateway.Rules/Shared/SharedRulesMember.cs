using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Rules.Input;

namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// One gateway's part in shared evaluation: holds its share of the partition leases and evaluates the log rows of the
/// partitions it holds with its engine, round by round: read each partition after its position, evaluate the round as
/// one batch, save the touched states with the new positions (one fenced transaction). A failure anywhere lets go of
/// every partition (the engine forgets them; the saved state and position are the truth) and joins again.
/// Single-threaded: <see cref="RunAsync"/> (or a test) calls one method at a time.
/// </summary>
public sealed class SharedRulesMember(RuleEngine engine, SharedRuleLog log, PartitionOwnership ownership, string connectionString,
    SharedRulesOptions options, TimeProvider time, ILogger? logger = null, string? name = null) : IAsyncDisposable
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Dictionary<int, long> _read = [];
    private readonly List<LogRow> _rows = new(1024);
    private readonly List<RuleInput> _inputs = new(1024);
    private readonly List<List<(int Start, int End)>> _groups = [];
    private PartitionLeases? _leases;
    private int _rebalances;

    /// <summary>Names this gateway in logs and in rule_positions.owner.</summary>
    public string Name { get; } = name ?? $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>The lease session's server process id (null before joining): a test ends it as a crash would.</summary>
    public int? LeaseProcessId => _leases?.ProcessId;

    /// <summary>Test hook: runs after a round is evaluated and before it is saved (a test "crashes" there).</summary>
    internal Func<Task>? BeforeSave { get; set; }

    /// <summary>Counts the live gateways, hands over partitions above the fair share and takes free ones up to it.</summary>
    public async Task RebalanceAsync(CancellationToken ct = default)
    {
        _leases ??= await PartitionLeases.JoinAsync(connectionString, ct).ConfigureAwait(false);
        int live = await _leases.LiveMembersAsync(ct).ConfigureAwait(false);
        int partitions = ownership.Partitions;
        foreach (int p in LeasePlan.ToRelease(partitions, live, _leases.Held))
        {
            // Whatever the timer changed since the last round is saved while the lease is still this gateway's.
            await engine.SaveStateAsync(ct).ConfigureAwait(false);
            ownership.Remove(p);
            _read.Remove(p);
            await engine.ForgetAsync(c => ownership.PartitionOf(c) == p, ct).ConfigureAwait(false);
            await _leases.ReleaseAsync(p, ct).ConfigureAwait(false);
            SharedLog.HandedOver(_logger, p, Name, live);
        }

        int share = LeasePlan.FairShare(partitions, live);
        bool took = false;
        // Gateways starting together try different partitions first: fewer lost races.
        int start = (int)(RulePartitioner.Hash(new ContainerKey(Name, "")) % (uint)partitions);
        foreach (int p in LeasePlan.ToAcquire(partitions, live, _leases.Held, start).ToList())
        {
            if (_leases.Held.Count >= share) break;
            if (!await _leases.TryAcquireAsync(p, ct).ConfigureAwait(false)) continue;
            OwnedPartition owned = await log.TakeOverAsync(p, Name, ct).ConfigureAwait(false);
            // What this engine may hold of the partition from an earlier lease is stale: another gateway evaluated it since.
            await engine.ForgetAsync(c => ownership.PartitionOf(c) == p, ct).ConfigureAwait(false);
            ownership.Add(owned);
            _read[p] = owned.Position;
            took = true;
            SharedLog.TakenOver(_logger, p, Name, owned.Epoch, owned.Position);
        }
        // The containers of the partitions taken over, so their silence timers run before any data comes.
        if (took) await engine.LoadAsync(ct).ConfigureAwait(false);
        if (_rebalances++ == 0) SharedLog.Balanced(_logger, Name, partitions, live, _leases.Held.Count);
        if (_rebalances % 12 == 0 && options.LogRetention > TimeSpan.Zero)
        {
            int pruned = await log.PruneAsync([.. _leases.Held], options.LogRetention, ct).ConfigureAwait(false);
            if (pruned > 0) SharedLog.Pruned(_logger, pruned, options.LogRetention);
        }
    }

    /// <summary>Evaluates one round of the held partitions' log and saves it; returns the rows evaluated (0: nothing new).</summary>
    public async Task<int> RoundAsync(CancellationToken ct = default)
    {
        IReadOnlyList<OwnedPartition> owned = ownership.Owned;
        if (owned.Count == 0) return 0;
        _rows.Clear();
        Dictionary<int, long> last = await log.ReadAsync([.. owned.Select(o => (o.Partition, _read.GetValueOrDefault(o.Partition, o.Position)))],
            options.ReadBatch, _rows, ct).ConfigureAwait(false);
        if (_rows.Count == 0) return 0;
        // Batch j holds the j-th group of every partition: a container (one partition) so meets its inputs in the batches
        // they were appended in, whoever reads them and however much at a time (SharedRuleLog, "Groups").
        int groups = SplitGroups();
        for (int j = 0; j < groups; j++)
        {
            _inputs.Clear();
            foreach (List<(int Start, int End)> partition in _groups)
            {
                if (j >= partition.Count) continue;
                for (int i = partition[j].Start; i < partition[j].End; i++) _inputs.Add(_rows[i].Input);
            }
            await engine.ProcessAsync(_inputs, saveState: false, ct).ConfigureAwait(false);
        }
        if (BeforeSave is { } hook) await hook().ConfigureAwait(false);
        foreach ((int p, long seq) in last) ownership.SetPending(p, seq);
        await engine.SaveStateAsync(ct).ConfigureAwait(false);
        // The engine saves (and takes the positions along) only when a container changed; the positions go alone otherwise.
        List<(int Partition, long Position)> left = ownership.TakePending();
        if (left.Count > 0)
        {
            try
            {
                await log.SaveAsync([], left, p => ownership.Get(p)?.Epoch, ct).ConfigureAwait(false);
            }
            catch
            {
                ownership.Restore(left);
                throw;
            }
            ownership.Saved(left);
        }
        foreach ((int p, long seq) in last) _read[p] = seq;
        return _rows.Count;
    }

    /// <summary>Index ranges of each partition's groups in <see cref="_rows"/> (ordered by partition, then seq); returns the most groups of one partition.</summary>
    private int SplitGroups()
    {
        foreach (List<(int Start, int End)> list in _groups) list.Clear();
        int used = 0, most = 0;
        for (int i = 0; i < _rows.Count;)
        {
            if (used == _groups.Count) _groups.Add([]);
            List<(int Start, int End)> partition = _groups[used++];
            int p = _rows[i].Partition;
            while (i < _rows.Count && _rows[i].Partition == p)
            {
                int start = i;
                long group = _rows[i].Group;
                while (i < _rows.Count && _rows[i].Partition == p && _rows[i].Group == group) i++;
                partition.Add((start, i));
            }
            most = Math.Max(most, partition.Count);
        }
        _groups.RemoveRange(used, _groups.Count - used);
        return most;
    }

    /// <summary>Rebalances every <see cref="SharedRulesOptions.RebalanceInterval"/> and evaluates rounds until stopped.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        long nextRebalance = 0;
        TimeSpan pause = options.PollInterval;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (time.GetTimestamp() >= nextRebalance)
                {
                    await RebalanceAsync(ct).ConfigureAwait(false);
                    nextRebalance = time.GetTimestamp() + (long)(options.RebalanceInterval.TotalSeconds * time.TimestampFrequency);
                }
                if (await RoundAsync(ct).ConfigureAwait(false) == 0) await Task.Delay(options.PollInterval, time, ct).ConfigureAwait(false);
                pause = options.PollInterval;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                SharedLog.Reset(_logger, ex, Name, ownership.Count);
                await LetGoAsync().ConfigureAwait(false);
                nextRebalance = 0;
                // Back off (doubling to the rebalance interval) so a database that is down is not hammered.
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, options.RebalanceInterval.Ticks));
                try
                {
                    await Task.Delay(pause, time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Drops every partition without saving (the saved state and position stay the truth) and closes the lease session.</summary>
    public async Task LetGoAsync()
    {
        ownership.Clear();
        _read.Clear();
        try
        {
            await engine.ForgetAsync(_ => true).ConfigureAwait(false);
        }
        finally
        {
            if (_leases is { } leases)
            {
                _leases = null;
                try
                {
                    await leases.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The session is gone already: so are its leases.
                }
            }
        }
    }

    /// <summary>A clean stop: saves what the timer changed, then closes the lease session (the server frees every lease at once).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (ownership.Count > 0) await engine.SaveStateAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not saved: the next owner replays from the last saved position, as after a crash.
        }
        await LetGoAsync().ConfigureAwait(false);
    }
}
