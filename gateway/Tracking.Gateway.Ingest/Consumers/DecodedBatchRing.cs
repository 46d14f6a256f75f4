using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Consumers;

/// <summary>
/// The batches the consumer stages decoded last, shared by all of them, so a spool record is decoded into its
/// <see cref="TagMessage"/> once for every consumer at the tail instead of once per consumer (each used to make its own
/// strings and arrays of every message). A stage reads the spool itself only for records the ring does not hold (it is
/// behind the ring, or first), and puts what it decoded in for the others. The ring only saves work: each stage still
/// keeps its own reader position and checkpoint, so confirmation and crash safety are those of the spool alone.
/// </summary>
/// <remarks>
/// Bounded by records, not batches: under load a stage's batch is what one group commit brought (often a few dozen
/// records), so the 64 batches the ring used to hold were about 50 ms of bench ingest, less than the rules' collect
/// delay (<see cref="ISpoolConsumer.CollectDelay"/>), and a stage that fell behind them decoded every record again.
/// </remarks>
public sealed class DecodedBatchRing
{
    /// <summary>16,384 records (a few MB of messages): about 0.7 s at 22,000 messages/s, many times a collect delay.</summary>
    public const int DefaultRecords = 16_384;

    // Batches in the order they were kept (their ends ascend), oldest at _head.
    private readonly DecodedBatch?[] _slots;
    private readonly int _maxRecords;
    private readonly Lock _sync = new();
    private int _head;
    private int _count;
    private int _records;

    /// <param name="records">At most this many records are held (and always the newest batch, however big).</param>
    public DecodedBatchRing(int records = DefaultRecords)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(records, 1);
        _maxRecords = records;
        // A batch holds at least one record; beyond a few thousand batches the oldest go by count rather than records.
        _slots = new DecodedBatch?[Math.Min(records, 4_096)];
    }

    /// <summary>A batch holding the record that starts at <paramref name="position"/>, and that record's index in it.</summary>
    public bool TryFind(SpoolPosition position, out DecodedBatch batch, out int index)
    {
        lock (_sync)
        {
            // The first batch ending after the position (ends ascend): the one holding it, if any does.
            int lo = 0, hi = _count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (At(mid).End <= position) lo = mid + 1;
                else hi = mid;
            }

            if (lo < _count && At(lo) is { } found && position >= found.Start && found.IndexAt(position) is var at and >= 0)
            {
                batch = found;
                index = at;
                return true;
            }
        }

        batch = null!;
        index = -1;
        return false;
    }

    /// <summary>
    /// Keeps <paramref name="batch"/>, making room by dropping the oldest, when it reaches past every batch held; a batch
    /// that a stage behind the ring decoded for itself is not kept, so it cannot push out what the stages at the tail need.
    /// </summary>
    /// <returns>Whether the batch was kept.</returns>
    public bool Add(DecodedBatch batch)
    {
        lock (_sync)
        {
            if (_count > 0 && batch.End <= At(_count - 1).End) return false;
            while (_count > 0 && (_count == _slots.Length || _records + batch.Count > _maxRecords))
            {
                _records -= _slots[_head]!.Count;
                _slots[_head] = null;
                _head = (_head + 1) % _slots.Length;
                _count--;
            }

            _slots[(_head + _count) % _slots.Length] = batch;
            _count++;
            _records += batch.Count;
            return true;
        }
    }

    private DecodedBatch At(int i) => _slots[(_head + i) % _slots.Length]!;
}
