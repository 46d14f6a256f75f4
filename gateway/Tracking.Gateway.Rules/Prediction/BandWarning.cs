namespace Tracking.Gateway.Rules.Prediction;

/// <summary>One band's predictive warning in a stream: whether it is in force, since when, and the latest prediction.</summary>
internal struct BandWarning
{
    public bool Active;

    /// <summary>The first reading of the current run of readings that predicted the alarm (0: none).</summary>
    public long PendingMs;

    public int Side;
    public long IssuedMs;
    public long UpdatedMs;
    public long BreachMs;
    public long AlarmMs;
    public double SlopePerHour;
    public double Level;
    public double Confidence;
    public int Points;
}
