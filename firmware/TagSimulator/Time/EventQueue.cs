namespace TagSimulator.Time;

/// <summary>
/// The discrete-event scheduler: the next wake of every tag, ordered by simulated time (ties by tag
/// index, so the order never depends on insertion history).
/// </summary>
public sealed class EventQueue<T>
{
    private readonly PriorityQueue<T, (long TimeMs, int Index)> _queue = new();

    public int Count => _queue.Count;

    public void Schedule(T item, int index, long timeMs) => _queue.Enqueue(item, (timeMs, index));

    public bool TryPeekTime(out long timeMs)
    {
        if (_queue.TryPeek(out _, out var key))
        {
            timeMs = key.TimeMs;
            return true;
        }
        timeMs = long.MaxValue;
        return false;
    }

    public T Dequeue() => _queue.Dequeue();
}
