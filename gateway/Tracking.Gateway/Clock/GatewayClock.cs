namespace Tracking.Gateway.Clock;

/// <summary>
/// The gateway's one <see cref="TimeProvider"/>, registered before the rooms so that each room's
/// <c>TryAddSingleton(TimeProvider.System)</c> finds it: the inner clock's UTC time plus an offset that
/// <see cref="SetOffset"/> changes while the gateway runs. Like a stepped system clock it steps only the time of day:
/// <see cref="GetTimestamp"/> and timers are the inner clock's, so durations, retry waits and timer periods do not jump.
/// </summary>
public sealed partial class GatewayClock : TimeProvider
{
    private readonly TimeProvider _inner;
    private readonly ILogger _logger;
    private readonly Lock _sync = new();
    private long _offsetTicks;

    public GatewayClock(TimeProvider inner, TimeSpan offset, ILogger<GatewayClock> logger)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _logger = logger;
        _offsetTicks = offset.Ticks;
        if (offset != TimeSpan.Zero) LogOffset(_logger, offset);
    }

    /// <summary>What is added to the inner clock's UTC time now.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow() + Offset;

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _inner.CreateTimer(callback, state, dueTime, period);

    /// <summary>
    /// Steps the clock to the inner clock plus <paramref name="offset"/>, if that is valid and differs (logged with the
    /// step); an invalid one is logged and the clock stays as it is. False when nothing changed.
    /// </summary>
    public bool SetOffset(TimeSpan offset)
    {
        try
        {
            new ClockOptions { Offset = offset }.Validate();
        }
        catch (ArgumentException ex)
        {
            LogRefused(_logger, ex.Message, Offset);
            return false;
        }

        lock (_sync)
        {
            TimeSpan old = Offset;
            if (old == offset) return false;
            Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
            LogStepped(_logger, offset - old, old, offset);
            return true;
        }
    }

    /// <summary>
    /// <see cref="SetOffset"/> with the <c>Clock</c> section as it is now (after a reload of the configuration); a value
    /// that does not bind (not a time span) is refused like an out-of-range one.
    /// </summary>
    public bool Reload(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new ClockOptions();
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            LogRefused(_logger, ex.InnerException?.Message ?? ex.Message, Offset);
            return false;
        }

        return SetOffset(options.Offset);
    }

    [LoggerMessage(EventId = 960, Level = LogLevel.Warning, Message = "Clock: running {Offset} off the machine's clock (Clock:Offset)")]
    private static partial void LogOffset(ILogger logger, TimeSpan offset);

    [LoggerMessage(EventId = 961, Level = LogLevel.Warning, Message = "Clock stepped by {Step}: Clock:Offset changed from {Old} to {New}")]
    private static partial void LogStepped(ILogger logger, TimeSpan step, TimeSpan old, TimeSpan @new);

    [LoggerMessage(EventId = 962, Level = LogLevel.Error, Message = "Clock:Offset changed to an invalid value ({Reason}); the clock stays {Offset} off")]
    private static partial void LogRefused(ILogger logger, string reason, TimeSpan offset);
}
