namespace Tracking.Hardware;

/// <summary>
/// Usable capacity of the bom.csv cell (Samsung INR18650-30Q) against cargo temperature, and Li-ion
/// self-discharge. The 30Q datasheet's discharge-vs-temperature curve could not be retrieved while this was
/// written, so the points are ASSUMPTIONS (typical published Li-ion NMC behaviour at low rates), labelled as
/// such in power-budget.md: replace them with the datasheet curve or a measurement.
/// </summary>
public static class CellDerating
{
    /// <summary>(°C, fraction of the 25 °C capacity), ascending temperature. Assumed, not from the datasheet.</summary>
    public static readonly (double TempC, double Fraction)[] AssumedCurve =
    [
        (-20, 0.60),
        (-10, 0.75),
        (0, 0.88),
        (10, 0.95),
        (25, 1.00),
    ];

    /// <summary>Assumed self-discharge, fraction of the rated capacity per 30 days (Li-ion: 2-3 % a month).</summary>
    public const double SelfDischargePerMonth = 0.025;

    /// <summary>Linear interpolation on the curve, held flat outside it.</summary>
    public static double CapacityFraction(double tempC)
    {
        var c = AssumedCurve;
        if (tempC <= c[0].TempC) return c[0].Fraction;
        if (tempC >= c[^1].TempC) return c[^1].Fraction;
        for (int i = 1; i < c.Length; i++)
        {
            if (tempC <= c[i].TempC)
            {
                double f = (tempC - c[i - 1].TempC) / (c[i].TempC - c[i - 1].TempC);
                return c[i - 1].Fraction + f * (c[i].Fraction - c[i - 1].Fraction);
            }
        }
        return c[^1].Fraction;
    }

    /// <summary>Days a full cell lasts at the given load and cargo temperature, self-discharge included.</summary>
    public static double LifeDays(double cellMah, double loadMahPerDay, double tempC)
    {
        double usable = cellMah * CapacityFraction(tempC);
        double selfPerDay = cellMah * SelfDischargePerMonth / 30.0;
        return usable / (loadMahPerDay + selfPerDay);
    }
}
