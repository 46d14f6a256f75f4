namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// A stream's trend rings (temperature, humidity) and its bands' warnings. Derived from the window's readings, never
/// persisted: after a restart or a re-run of the window the rings are filled again from the window.
/// </summary>
internal sealed class StreamPrediction(int capacity)
{
    public TrendRing Temperature { get; } = new(capacity);
    public TrendRing Humidity { get; } = new(capacity);
    public BandWarning[] Bands = [];

    /// <summary>The last reading observed (time and boot/seq key): the rings are in step with the window up to it.</summary>
    public long LastMs = long.MinValue;

    public ulong LastKey;

    /// <summary>The newest reading ever observed: transitions at or before it are re-derivations, not news (not logged).</summary>
    public long HighWaterMs = long.MinValue;

    /// <summary>
    /// The device time of the last trend fit per metric (<see cref="WarningPredictor"/>'s refit interval); MinValue: none
    /// since the rings were last filled.
    /// </summary>
    public long TemperatureFitMs = long.MinValue;

    public long HumidityFitMs = long.MinValue;
}
