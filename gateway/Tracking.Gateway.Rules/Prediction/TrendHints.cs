namespace Tracking.Gateway.Rules.Prediction;

/// <summary>
/// The slopes of a metric's last fits of the whole trend window and of its recent and early halves: the next fits'
/// guesses (<see cref="TheilSen.Fit"/>'s hint), which save its selection most of its work and never change its result.
/// NaN: no fit since the stream was last out of step with its window.
/// </summary>
internal struct TrendHints
{
    public static readonly TrendHints None = new() { Whole = double.NaN, Recent = double.NaN, Early = double.NaN };

    public double Whole;
    public double Recent;
    public double Early;
}
