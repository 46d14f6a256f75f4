namespace Tracking.Gateway.Rules.Report;

/// <summary>Minimum and maximum with their first times, and the arithmetic mean, of a metric's readings.</summary>
internal sealed class MetricExtremes
{
    private double _sum;
    private int _count;

    public double? Min { get; private set; }
    public DateTimeOffset? MinAt { get; private set; }
    public double? Max { get; private set; }
    public DateTimeOffset? MaxAt { get; private set; }
    public double? Mean => _count == 0 ? null : _sum / _count;

    public void Add(double value, long timeMs)
    {
        if (!double.IsFinite(value)) return;
        _sum += value;
        _count++;
        if (Min is not { } min || value < min) (Min, MinAt) = (value, DateTimeOffset.FromUnixTimeMilliseconds(timeMs));
        if (Max is not { } max || value > max) (Max, MaxAt) = (value, DateTimeOffset.FromUnixTimeMilliseconds(timeMs));
    }
}
