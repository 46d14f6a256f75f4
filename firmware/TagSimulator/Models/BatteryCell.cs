using ContainerTag.Core.Energy;
using ContainerTag.Core.Hardware;

namespace TagSimulator.Models;

/// <summary>
/// The cell: charge drawn by the measured sleep, awake and radio times (Core's own energy model and
/// datasheet currents), voltage from Core's state-of-charge curve read backwards.
/// </summary>
public sealed class BatteryCell : IPower
{
    private readonly double _capacityMah;
    private readonly Random _noise;
    private double _usedMah;

    public BatteryCell(double capacityMah, double initialStateOfCharge, Random noise)
    {
        _capacityMah = capacityMah;
        _usedMah = capacityMah * (1 - initialStateOfCharge);
        _noise = noise;
    }

    public WakeCause Cause { get; set; } = WakeCause.PowerOn;

    public double StateOfCharge => Math.Max(0, 1 - _usedMah / _capacityMah);

    public double UsedMah => _usedMah;

    /// <summary>Open-circuit voltage plus ADC noise of a few mV, rounded like a 12-bit ADC reading through a divider.</summary>
    public double BatteryVolts => Math.Round(VoltsAt(StateOfCharge) + (_noise.NextDouble() - 0.5) * 0.006, 3);

    public WakeCause GetWakeCause() => Cause;

    public void DeepSleep(long durationMs) => Draw(durationMs, 0, 0);

    /// <summary>Charge for a period: sleepMs asleep, awakeMs awake of which radioMs with Wi-Fi on.</summary>
    public void Draw(long sleepMs, long awakeMs, long radioMs) => _usedMah += BatteryModel.ConsumedMah(sleepMs, awakeMs, radioMs);

    /// <summary>The voltage at which Core's curve gives this state of charge (bisection: the curve is monotonic).</summary>
    public static double VoltsAt(double stateOfCharge)
    {
        double lo = 3.0, hi = 4.2;
        for (int i = 0; i < 40; i++)
        {
            double mid = (lo + hi) / 2;
            if (BatteryModel.StateOfCharge(mid) < stateOfCharge) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }
}
