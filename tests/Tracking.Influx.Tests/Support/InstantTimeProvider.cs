using System.Collections.Concurrent;

namespace Tracking.Influx.Tests.Support;

/// <summary>
/// A clock whose timers fire at once, recording the requested delays, so tests can assert backoff and
/// Retry-After without waiting. <see cref="OnDelay"/> runs before the timer fires (e.g. to bring a server up
/// between attempts).
/// </summary>
public sealed class InstantTimeProvider : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2024, 6, 11, 12, 0, 0, TimeSpan.Zero);

    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public Action<TimeSpan>? OnDelay { get; set; }

    public override DateTimeOffset GetUtcNow() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            Delays.Enqueue(dueTime);
            OnDelay?.Invoke(dueTime);
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new NeverTimer();
    }

    private sealed class NeverTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
