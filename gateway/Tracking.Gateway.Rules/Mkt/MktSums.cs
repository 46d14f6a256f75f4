namespace Tracking.Gateway.Rules.Mkt;

/// <summary>The two running sums of <see cref="MeanKineticTemperature"/>: total weight and weight times the Arrhenius factor.</summary>
public struct MktSums
{
    public double Weight;
    public double WeightedFactor;

    public void Add(double tempC, double weight) => AddFactor(MeanKineticTemperature.Factor(tempC), weight);

    /// <summary>Adds a weight at an Arrhenius factor already computed (<see cref="MeanKineticTemperature.Factor"/>): one <c>exp</c> serves several sums.</summary>
    public void AddFactor(double factor, double weight)
    {
        Weight += weight;
        WeightedFactor += weight * factor;
    }

    public readonly double Celsius => MeanKineticTemperature.FromSums(Weight, WeightedFactor);
}
