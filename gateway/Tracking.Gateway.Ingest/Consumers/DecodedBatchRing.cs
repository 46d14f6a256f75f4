using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Consumers;

/// <summary>
/// The last few batches the consumer stages decoded, shared by all of them, so a spool record is decoded into its
/// <see cref="TagMessage"/> once for every consumer at the tail instead of once per consumer (each used to make its own
/// strings and arrays of every message). A stage reads the spool itself only for records the ring does not hold (it is
/// behind the ring, or first), and puts what it decoded in for the others. The ring only saves work: each stage still
/// keeps its own reader position and checkpoint, so confirmation and crash safety are those of the spool alone.
/// </summary>
public sealed class DecodedBatchRing
{
    /// <summary>64 batches of up to <see cref="ConsumerStage.MaxBatch"/> records: 16,384 messages, a few MB.</summary>
    public const int DefaultCapacity = 64;

    private readonly DecodedBatch?[] _slots;
    private readonly Lock _sync = new();
    private int _next;
    private DecodedBatch? _newest;

    public DecodedBatchRing(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = new DecodedBatch?[capacity];
    }

    /// <summary>A batch holding the record that starts at <paramref name="position"/>, and that record's index in it.</summary>
    public bool TryFind(SpoolPosition position, out DecodedBatch batch, out int index)
    {
        lock (_sync)
        {
            foreach (DecodedBatch? slot in _slots)
            {
                if (slot is null || position < slot.Start || position >= slot.End) continue;
                index = slot.IndexAt(position);
                if (index < 0) continue;
                batch = slot;
                return true;
            }
        }

        batch = null!;
        index = -1;
        return false;
    }

    /// <summary>
    /// Keeps <paramref name="batch"/> in place of the oldest one when it reaches past every batch held; a batch that a
    /// stage behind the ring decoded for itself is not kept, so it cannot push out what the stages at the tail need.
    /// </summary>
    /// <returns>Whether the batch was kept.</returns>
    public bool Add(DecodedBatch batch)
    {
        lock (_sync)
        {
            if (_newest is { } newest && batch.End <= newest.End) return false;
            _newest = batch;
            _slots[_next] = batch;
            _next = (_next + 1) % _slots.Length;
            return true;
        }
    }
}
