namespace Tracking.Gateway.Rules.Mkt;

/// <summary>
/// Mean kinetic temperature (Haynes; USP &lt;1079.2&gt;), time-weighted for uneven sampling:
/// Tk = (dH/R) / -ln( sum(ti * e^(-dH/(R*Ti))) / sum(ti) ), dH = 83.144 kJ/mol, R = 8.3144 J/mol/K, Ti in kelvin.
/// Callers keep the two sums (<see cref="MktSums"/>), so adding a reading never rescans the older ones.
/// </summary>
public static class MeanKineticTemperature
{
    public const double ActivationEnergyJPerMol = 83_144.0;
    public const double GasConstant = 8.3144;
    public const double KelvinOffset = 273.15;

    /// <summary>dH/R in kelvin: exactly 10,000 with these constants.</summary>
    public const double ActivationOverR = ActivationEnergyJPerMol / GasConstant;

    /// <summary>The Arrhenius factor e^(-dH/(R*T)) of a temperature in degC.</summary>
    public static double Factor(double tempC) => Math.Exp(-ActivationOverR / (tempC + KelvinOffset));

    /// <summary>The MKT in degC of accumulated sums; NaN when no time was accumulated.</summary>
    public static double FromSums(double weight, double weightedFactor)
    {
        if (!(weight > 0) || !(weightedFactor > 0)) return double.NaN;
        return ActivationOverR / -Math.Log(weightedFactor / weight) - KelvinOffset;
    }

    /// <summary>The MKT of (temperature degC, weight) pairs in one pass: the reference the incremental sums are tested against.</summary>
    public static double Of(IEnumerable<(double TempC, double Weight)> samples)
    {
        var sums = default(MktSums);
        foreach ((double tempC, double weight) in samples) sums.Add(tempC, weight);
        return sums.Celsius;
    }
}
