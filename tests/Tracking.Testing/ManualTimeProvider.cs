namespace Tracking.Testing;

/// <summary>
/// A clock that moves only when the test says so (timestamps in ticks, 10 MHz). Its timers (Task.Delay, PeriodicTimer,
/// ITimer) fire inside <see cref="Advance"/> when their time has come, so backoff and health timers test without waiting.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _sync = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    // What StepWallClock moved the time of day by, beside the monotonic time (timestamps and timers).
    private TimeSpan _step;
    private int _timersCreated;

    public ManualTimeProvider()
        : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public ManualTimeProvider(DateTimeOffset start) => _now = start;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() { lock (_sync) return _now + _step; }

    public override long GetTimestamp() { lock (_sync) return _now.UtcTicks; }

    /// <summary>How far ahead each armed timer is due, soonest first (what the code under test waits for).</summary>
    public IReadOnlyList<TimeSpan> PendingTimers
    {
        get
        {
            lock (_sync) return [.. _timers.Where(t => t.Due is not null).Select(t => t.Due!.Value - _now).Order()];
        }
    }

    /// <summary>Timers created so far (each <c>Task.Delay</c> on this clock is one): how often the code under test arms one.</summary>
    public int TimersCreated => Volatile.Read(ref _timersCreated);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timersCreated);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Steps the time of day only, as an operator's or NTP's correction of the system clock does: timestamps and timers
    /// (the monotonic clock) do not move.
    /// </summary>
    public void StepWallClock(TimeSpan by)
    {
        lock (_sync) _step += by;
    }

    /// <summary>Moves the clock and runs, in time order, every timer that falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        DateTimeOffset end;
        lock (_sync) end = _now + by;
        while (true)
        {
            ManualTimer? next;
            lock (_sync)
            {
                next = _timers.Where(t => t.Due <= end).MinBy(t => t.Due);
                if (next is null)
                {
                    _now = end;
                    return;
                }

                _now = next.Due!.Value;
                next.Due = next.Period > TimeSpan.Zero ? _now + next.Period : null;
            }

            next.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._sync)
            {
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                if (!clock._timers.Contains(this)) clock._timers.Add(this);
            }

            return true;
        }

        public void Dispose()
        {
            lock (clock._sync) clock._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
