namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// A stream's trend rings (temperature, humidity) and its bands' warnings. The rings are derived from the window's
/// readings, never persisted: after a restart or a re-run of the window they are filled again from the window. The
/// warnings, the high-water mark and the fit times are saved with the container's state (snapshot format 5), so a
/// restart goes on from where the saved state stood and a replay of the readings after it derives the same warnings,
/// at the same readings (issue 12: their issue and end are recorded in the rule store's outbox, by key).
/// </summary>
internal sealed class StreamPrediction(int capacity)
{
    public TrendRing Temperature { get; private set; } = new(capacity);
    public TrendRing Humidity { get; private set; } = new(capacity);
    public BandWarning[] Bands = [];

    /// <summary>
    /// False when <see cref="Bands"/> is known to hold no warning in force or being confirmed (the predictor's last pass
    /// over them found none): a reading with no trend fit due then leaves without reading them (issue 12: their five
    /// cache lines per reading were about 8 % of the rules' samples in bench rules). True whenever they may hold one.
    /// </summary>
    public bool MayBeWarned = true;

    /// <summary>The last reading observed (time and boot/seq key): the rings are in step with the window up to it.</summary>
    public long LastMs = long.MinValue;

    public ulong LastKey;

    /// <summary>The newest reading ever observed: transitions at or before it are re-derivations, not news (not recorded).</summary>
    public long HighWaterMs = long.MinValue;

    /// <summary>
    /// The device time of the last trend fit per metric (<see cref="WarningPredictor"/>'s refit interval); MinValue: none
    /// since the rings were last filled.
    /// </summary>
    public long TemperatureFitMs = long.MinValue;

    public long HumidityFitMs = long.MinValue;

    /// <summary>Read from a saved state and not yet restored: its rings are empty, the rest is as saved.</summary>
    public bool FromSnapshot;

    /// <summary>Gives the rings <paramref name="points"/> of room (a state read back is made before the options are known).</summary>
    public void EnsureCapacity(int points)
    {
        if (Temperature.Capacity == points) return;
        Temperature = new TrendRing(points);
        Humidity = new TrendRing(points);
    }
}
