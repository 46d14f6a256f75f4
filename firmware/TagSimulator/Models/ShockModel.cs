using ContainerTag.Core.Hardware;
using TagSimulator.Time;

namespace TagSimulator.Models;

/// <summary>
/// The ADXL343: background vibration plus the scenario's handling shocks. Keeps the peak since the
/// last read like the device's FIFO/peak logic, and tells the scheduler when the next shock above the
/// armed wake threshold happens, so a shock wakes the tag at its own time.
/// </summary>
public sealed class ShockModel : IAccelerometer
{
    private readonly TagScenario _scenario;
    private readonly SimClock _clock;
    private readonly Random _noise;
    private long _lastReadMs = long.MinValue;
    private int _nextShock;

    public ShockModel(TagScenario scenario, SimClock clock, Random noise)
    {
        _scenario = scenario;
        _clock = clock;
        _noise = noise;
    }

    /// <summary>The wake-on-shock threshold Core armed last (g); +inf until armed.</summary>
    public double ArmedG { get; private set; } = double.PositiveInfinity;

    public void ArmWake(double thresholdG) => ArmedG = thresholdG;

    public double ReadPeakG()
    {
        long now = _clock.SimNowMs;
        double peak = _scenario.VibrationG * (0.5 + _noise.NextDouble());
        if (_scenario.AirLeg is { } leg && leg.Contains(now)) peak *= 3; // turbulence and engine vibration
        var shocks = _scenario.Shocks;
        while (_nextShock < shocks.Count && shocks[_nextShock].AtMs <= now)
        {
            if (shocks[_nextShock].AtMs > _lastReadMs) peak = Math.Max(peak, shocks[_nextShock].G);
            _nextShock++;
        }
        _lastReadMs = now;
        return Math.Round(peak, 3);
    }

    /// <summary>Time of the first shock after <paramref name="afterMs"/> at or above the armed threshold, or long.MaxValue.</summary>
    public long NextWakingShock(long afterMs)
    {
        var shocks = _scenario.Shocks;
        for (int i = _nextShock; i < shocks.Count; i++)
        {
            if (shocks[i].AtMs > afterMs && shocks[i].G >= ArmedG) return shocks[i].AtMs;
        }
        return long.MaxValue;
    }
}
