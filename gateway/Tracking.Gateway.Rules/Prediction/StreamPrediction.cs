using Tracking.Gateway.Rules.Engine;

namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// A stream's predictive warnings and what its trend fits left behind. The points of a fit are not kept here: they are
/// the window's readings, read at the fit (<see cref="TrendRing.Fill"/>), so a reading costs the predictor no copy of
/// its values (issue 12: two rings per stream, written at every reading, were about a fifth of the rules' CPU in bench
/// rules, and 2 KB per stream). The warnings, the high-water mark and the fit times are saved with the container's
/// state (snapshot format 5), so a restart goes on from where the saved state stood and a replay of the readings after
/// it derives the same warnings, at the same readings (issue 12: their issue and end are recorded in the rule store's
/// outbox, by key).
/// </summary>
internal sealed class StreamPrediction
{
    public BandWarning[] Bands = [];

    /// <summary>
    /// False when <see cref="Bands"/> is known to hold no warning in force or being confirmed (the predictor's last pass
    /// over them found none): a reading with no trend fit due then leaves without reading them (issue 12: their five
    /// cache lines per reading were about 8 % of the rules' samples in bench rules). True whenever they may hold one.
    /// </summary>
    public bool MayBeWarned = true;

    /// <summary>
    /// The last reading observed (time and boot/seq key): the fit times and hints are in step with the window up to it.
    /// </summary>
    public long LastMs = long.MinValue;

    public ulong LastKey;

    /// <summary>In step with the window up to <paramref name="x"/>.</summary>
    public void Observed(in Sample x) => (LastMs, LastKey) = (x.TimeMs, x.Key);

    /// <summary>The newest reading ever observed: transitions at or before it are re-derivations, not news (not recorded).</summary>
    public long HighWaterMs = long.MinValue;

    /// <summary>
    /// The device time of the last trend fit per metric (<see cref="WarningPredictor"/>'s refit interval); MinValue: none
    /// since the stream was last out of step with its window (a re-run, a restart).
    /// </summary>
    public long TemperatureFitMs = long.MinValue;

    public long HumidityFitMs = long.MinValue;

    /// <summary>The slopes of each metric's last fits, the next fits' guesses (<see cref="TrendHints"/>).</summary>
    public TrendHints TemperatureHints = TrendHints.None;

    public TrendHints HumidityHints = TrendHints.None;

    /// <summary>Read from a saved state and not yet restored: its fit hints are not known, the rest is as saved.</summary>
    public bool FromSnapshot;
}
