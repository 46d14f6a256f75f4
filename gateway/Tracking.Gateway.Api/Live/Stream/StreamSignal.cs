using System.Threading.Tasks.Sources;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// Wakes one stream's writer: new events, its heartbeat timer, the end of its subscription or of the request. One
/// awaitable reused for every wait, so a wake-up allocates nothing. The writer waited before with a linked token source,
/// a delay task and <c>Task.WhenAny</c> per wake-up; with readings batched every 50 ms that was 20 of each per second and
/// client (bench/README.md, "fan-out and history"). Signals coalesce: any number of them before a wait make one wake-up,
/// and the writer then drains everything waiting. One waiter at a time.
/// </summary>
internal sealed class StreamSignal : IValueTaskSource
{
    private const int Idle = 0, Signaled = 1, Waiting = 2;

    // RunContinuationsAsynchronously: Signal is called under the hub's lock; the writer must not run there.
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    /// <summary>Wakes the writer (now, or at its next wait).</summary>
    public void Signal()
    {
        if (Interlocked.Exchange(ref _state, Signaled) == Waiting) _core.SetResult(true);
    }

    /// <summary>Completes at the next signal, or at once if one came since the last wait.</summary>
    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Signaled) == Signaled) return ValueTask.CompletedTask;
        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) == Idle) return new ValueTask(this, _core.Version);
        // A signal came between the two: it is this wait's.
        Volatile.Write(ref _state, Idle);
        return ValueTask.CompletedTask;
    }

    void IValueTaskSource.GetResult(short token)
    {
        // Signal set the state to Signaled before completing: that signal is consumed by this wake-up.
        Interlocked.CompareExchange(ref _state, Idle, Signaled);
        _core.GetResult(token);
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
