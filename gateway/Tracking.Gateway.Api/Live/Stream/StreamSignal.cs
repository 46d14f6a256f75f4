using System.Threading.Tasks.Sources;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// Wakes one stream's writer: new events (<see cref="Signal"/>), its timer, the end of its subscription or of the
/// request (<see cref="Wake"/>). One awaitable reused for every wait, so a wake-up allocates nothing. The writer waited
/// before with a linked token source, a delay task and <c>Task.WhenAny</c> per wake-up; with readings batched every
/// 50 ms that was 20 of each per second and client (bench/README.md, "fan-out and history"). Signals coalesce: any
/// number of them before a wait make one wake-up, and the writer then drains everything waiting. One waiter at a time.
/// A writer that holds its events back to send them in one write (<see cref="WaitAsync"/> with <c>deferEvents</c>)
/// is not woken by each event, only by a <see cref="Wake"/>: a busy stream then costs a wake-up per write, not one per
/// event (bench/README.md, "Issue 13 figures: SSE fan-out (branch fanout13, December 2026)").
/// </summary>
internal sealed class StreamSignal : IValueTaskSource
{
    // A lock, not a lock-free state: a deferring wait must tell an event's signal from a wake-up, and a lock keeps the
    // four flags consistent. It is taken once per event and client (under the hub's lock) and once per wait, uncontended
    // but for the moment the writer goes to sleep.
    private readonly Lock _gate = new();

    // RunContinuationsAsynchronously: Signal is called under the hub's lock; the writer must not run there.
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private bool _waiting, _deferring, _eventPending, _wakePending;

    /// <summary>New events: wakes the writer now, or at its next wait, unless it is deferring them.</summary>
    public void Signal()
    {
        lock (_gate)
        {
            if (_waiting && !_deferring) Complete();
            else _eventPending = true;
        }
    }

    /// <summary>The writer's timer, or an end: wakes the writer now, or at its next wait, even a deferring one.</summary>
    public void Wake()
    {
        lock (_gate)
        {
            if (_waiting) Complete();
            else _wakePending = true;
        }
    }

    /// <summary>
    /// Completes at the next signal, or at once if one came since the last wait. With <paramref name="deferEvents"/>
    /// only a <see cref="Wake"/> completes it: the events that come meanwhile wait in the queue for the writer's timer.
    /// </summary>
    public ValueTask WaitAsync(bool deferEvents = false)
    {
        lock (_gate)
        {
            if (_wakePending || (_eventPending && !deferEvents))
            {
                _wakePending = _eventPending = false;
                return ValueTask.CompletedTask;
            }
            _core.Reset();
            _waiting = true;
            _deferring = deferEvents;
            return new ValueTask(this, _core.Version);
        }
    }

    /// <summary>Under the lock: the wake-up consumes every signal so far (the writer looks at everything after it).</summary>
    private void Complete()
    {
        _waiting = _deferring = _eventPending = _wakePending = false;
        _core.SetResult(true);
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
