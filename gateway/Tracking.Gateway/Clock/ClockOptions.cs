namespace Tracking.Gateway.Clock;

/// <summary>
/// The gateway's wall clock (section <see cref="SectionName"/>): the machine's UTC time plus <see cref="Offset"/>. Read at
/// start and, when it is set in the <c>--config</c> file, again whenever that file changes, so the clock can be stepped
/// while the gateway runs (the chaos scenario <c>clock-step</c>; or to correct a machine whose clock is known to be off
/// without a restart).
/// </summary>
public sealed class ClockOptions
{
    public const string SectionName = "Clock";

    /// <summary>The largest offset either way: more is a typo (a date for a time span), not a clock correction.</summary>
    public static readonly TimeSpan MaxOffset = TimeSpan.FromDays(366);

    /// <summary>
    /// Added to the machine's UTC time wherever the gateway reads the time of day (arrival stamps, silence and escalation
    /// timers, dead letters, stats). Durations and timers (retry waits, health timers) run on the monotonic clock and do
    /// not step.
    /// </summary>
    public TimeSpan Offset { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public void Validate()
    {
        if (Offset.Duration() > MaxOffset)
        {
            throw new ArgumentException($"{SectionName}:{nameof(Offset)} {Offset} is beyond +-{MaxOffset.TotalDays:0} days");
        }
    }
}
