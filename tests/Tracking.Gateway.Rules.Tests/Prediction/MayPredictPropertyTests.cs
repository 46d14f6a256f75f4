using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Tests.Prediction;

/// <summary>
/// Issue 12: the predictor skips the Theil-Sen fit when <c>MayPredict</c> proves that the line cannot reach any band's
/// alarm within the horizon. The proof must never be wrong: on random rings (any spacing, repeated times, noise, ramps,
/// spikes), bands and horizons, whenever it says "cannot", the fitted line predicts no band. Tolerance: none.
/// </summary>
public sealed class MayPredictPropertyTests
{
    private static readonly Gen<Band> BandGen =
        from kind in Gen.Elements(BandKind.Upper, BandKind.Lower, BandKind.Dual)
        from a in Gen.Choose(-300, 1500)
        from width in Gen.Choose(1, 1000)
        from delayMin in Gen.Elements(0, 5, 30, 120)
        select new Band
        {
            Metric = Metric.TemperatureC, Kind = kind, Limit = a / 100.0, Low = a / 100.0, High = (a + width) / 100.0,
            Delay = TimeSpan.FromMinutes(delayMin), Hysteresis = 0.2,
        };

    private static readonly Gen<Case> CaseGen =
        from n in Gen.Choose(1, 40)
        from steps in Gen.ArrayOf(Gen.Elements(0, 1, 60_000, 300_000, 300_000, 300_000, 900_000), n)
        from start in Gen.Choose(-1000, 1000)
        from slope in Gen.Choose(-400, 400) // hundredths of a degC per reading
        from noise in Gen.ArrayOf(Gen.Choose(-50, 50), n)
        from spikeAt in Gen.Choose(-1, n - 1)
        from bands in Gen.ListOf(BandGen).Where(b => b.Count is >= 1 and <= 4)
        from alarmed in Gen.ArrayOf(Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true))), 4)
        from horizonMin in Gen.Elements(0, 30, 120, 600)
        select new Case(Times(steps), Values(start, slope, noise, spikeAt), [.. bands], alarmed, horizonMin);

    public sealed record Case(long[] Times, double[] Values, Band[] Bands, bool[] Alarmed, int HorizonMin);

    private static long[] Times(int[] steps)
    {
        var times = new long[steps.Length];
        times[0] = 1_767_225_600_000;
        for (int i = 1; i < steps.Length; i++) times[i] = times[i - 1] + steps[i];
        return times;
    }

    private static double[] Values(int start, int slope, int[] noise, int spikeAt) =>
        [.. noise.Select((e, i) => ((start + (slope * i) + e) / 100.0) + (i == spikeAt ? 6 : 0))];

    [Fact]
    public void When_it_says_cannot_the_fitted_line_predicts_no_band()
    {
        int skipped = 0;
        Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            var options = new RulesOptions { PredictionHorizon = TimeSpan.FromMinutes(c.HorizonMin), PredictionWindow = TimeSpan.FromHours(12) };
            var predictor = new WarningPredictor(options, NullLogger.Instance);
            var profile = new Profile { Name = "prop", Bands = c.Bands };
            var ring = new TrendRing(64);
            for (int i = 0; i < c.Times.Length; i++) ring.Add(c.Times[i], c.Values[i], (long)options.PredictionWindow.TotalMilliseconds);
            var states = new BandState[c.Bands.Length];
            for (int i = 0; i < states.Length; i++) states[i].Alarmed = c.Alarmed[i];
            if (predictor.MayPredict(ring, profile, Metric.TemperatureC, states)) return true;
            skipped++;

            var hours = new double[64];
            var values = new double[64];
            int n = ring.CopyTo(hours, values, long.MinValue);
            TrendFit fit = n >= 2 ? TheilSen.Fit(hours.AsSpan(0, n), values.AsSpan(0, n), new double[TheilSen.PairCount(64)]) : TrendFit.None;
            long dtMs = Math.Max(1, (ring.NewestMs - ring.OldestMs) / Math.Max(1, ring.Count - 1));
            for (int i = 0; i < c.Bands.Length; i++)
            {
                if (states[i].Alarmed) continue;
                if (predictor.Predict(c.Bands[i], states[i], fit, ring.NewestMs, dtMs, out long breach, out long alarm, out int side))
                {
                    throw new InvalidOperationException(
                        $"said cannot, but band {i} ({c.Bands[i].Kind} {c.Bands[i].Limit} {c.Bands[i].Low}..{c.Bands[i].High}) is predicted: side {side}, breach {breach}, alarm {alarm}, fit {fit}");
                }
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
        Assert.True(skipped > 100, $"the check said cannot in only {skipped} of 2,000 cases: the property tested little");
    }

    [Fact]
    public void A_flat_ring_far_from_the_limits_needs_no_fit_and_a_steep_ramp_does()
    {
        var predictor = new WarningPredictor(new RulesOptions(), NullLogger.Instance);
        Profile profile = ProfilePresets.Pharma2To8;
        var ring = new TrendRing(64);
        var states = new BandState[profile.Bands.Count];
        for (int i = 0; i < 19; i++) ring.Add(i * 300_000L, 5 + (0.1 * Math.Sin(i)), 5_400_000);
        Assert.False(predictor.MayPredict(ring, profile, Metric.TemperatureC, states));

        ring.Clear();
        for (int i = 0; i < 19; i++) ring.Add(i * 300_000L, 5 + (0.25 * i), 5_400_000); // 3 degC/h: 8 C in 10 min
        Assert.True(predictor.MayPredict(ring, profile, Metric.TemperatureC, states));

        // A band outside always needs the fit (its alarm is predicted from the excursion's start).
        ring.Clear();
        for (int i = 0; i < 19; i++) ring.Add(i * 300_000L, 5, 5_400_000);
        states[0].Outside = true;
        Assert.True(predictor.MayPredict(ring, profile, Metric.TemperatureC, states));
    }
}
