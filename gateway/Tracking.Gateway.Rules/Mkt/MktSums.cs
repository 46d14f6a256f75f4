namespace Tracking.Gateway.Rules.Mkt;

/// <summary>The two running sums of <see cref="MeanKineticTemperature"/>: total weight and weight times the Arrhenius factor.</summary>
public struct MktSums
{
    public double Weight;
    public double WeightedFactor;

    public void Add(double tempC, double weight)
    {
        Weight += weight;
        WeightedFactor += weight * MeanKineticTemperature.Factor(tempC);
    }

    public readonly double Celsius => MeanKineticTemperature.FromSums(Weight, WeightedFactor);
}
