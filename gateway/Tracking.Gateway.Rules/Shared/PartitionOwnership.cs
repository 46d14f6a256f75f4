namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// The partitions this gateway holds, and the log positions evaluated but not yet saved. Changed by the
/// <see cref="SharedRulesWorker"/> only; read by the engine's timer and the API threads, hence the lock.
/// </summary>
public sealed class PartitionOwnership(int partitions) : IContainerOwnership
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, OwnedPartition> _owned = [];
    private readonly Dictionary<int, long> _pending = [];

    public int Partitions { get; } = partitions;

    public int PartitionOf(ContainerKey container) => RulePartitioner.PartitionOf(container, Partitions);

    public bool Owns(ContainerKey container) => Get(PartitionOf(container)) is not null;

    public OwnedPartition? Get(int partition)
    {
        lock (_lock) return _owned.GetValueOrDefault(partition);
    }

    public IReadOnlyList<OwnedPartition> Owned
    {
        get
        {
            lock (_lock) return [.. _owned.Values.OrderBy(o => o.Partition)];
        }
    }

    public int Count
    {
        get
        {
            lock (_lock) return _owned.Count;
        }
    }

    public void Add(OwnedPartition owned)
    {
        lock (_lock) _owned[owned.Partition] = owned;
    }

    public void Remove(int partition)
    {
        lock (_lock)
        {
            _owned.Remove(partition);
            _pending.Remove(partition);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _owned.Clear();
            _pending.Clear();
        }
    }

    /// <summary>Positions evaluated up to, to be saved with the next state save (the engine's states of those inputs).</summary>
    public void SetPending(int partition, long position)
    {
        lock (_lock)
        {
            if (_owned.ContainsKey(partition)) _pending[partition] = position;
        }
    }

    /// <summary>The pending positions, removed: the caller saves them (and calls <see cref="Saved"/>) or puts them back.</summary>
    public List<(int Partition, long Position)> TakePending()
    {
        lock (_lock)
        {
            List<(int, long)> taken = [.. _pending.Select(p => (p.Key, p.Value))];
            _pending.Clear();
            return taken;
        }
    }

    /// <summary>Puts positions back that a failed save did not write (unless newer ones came meanwhile).</summary>
    public void Restore(IEnumerable<(int Partition, long Position)> positions)
    {
        lock (_lock)
        {
            foreach ((int partition, long position) in positions)
            {
                if (_owned.ContainsKey(partition) && !_pending.ContainsKey(partition)) _pending[partition] = position;
            }
        }
    }

    /// <summary>Records saved positions: a later takeover of another's partition starts there, this gateway reads on from there.</summary>
    public void Saved(IEnumerable<(int Partition, long Position)> positions)
    {
        lock (_lock)
        {
            foreach ((int partition, long position) in positions)
            {
                if (_owned.TryGetValue(partition, out OwnedPartition? owned) && position > owned.Position) _owned[partition] = owned with { Position = position };
            }
        }
    }
}
