using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Tests.Prediction;

/// <summary>
/// Issue 12: the predictor no longer keeps two rings per stream, added to at every reading; it fills one from the
/// stream's window when it fits (<see cref="TrendRing.Fill"/>). The fill must give the very ring the readings would have
/// given one by one: on random windows (any spacing, repeated times, NaN values of either metric, up to the capacity
/// and beyond it, windows shorter and longer than the readings), for every reading of the window and both metrics, the
/// same points in the same order. Tolerance: none.
/// </summary>
public sealed class TrendRingFillPropertyTests
{
    private static readonly Gen<Case> CaseGen =
        from n in Gen.Choose(1, 200)
        from steps in Gen.ArrayOf(Gen.Elements(0, 1, 60_000, 300_000, 300_000, 900_000, 3_600_000), n)
        from temps in Gen.ArrayOf(Gen.Frequency((5, Gen.Choose(-2000, 4000).Select(v => v / 100.0)), (1, Gen.Constant(double.NaN))), n)
        from rhs in Gen.ArrayOf(Gen.Frequency((3, Gen.Choose(0, 10000).Select(v => v / 100.0)), (1, Gen.Constant(double.NaN))), n)
        from capacity in Gen.Elements(4, 8, 64)
        from windowMin in Gen.Elements(10, 90, 720)
        select new Case(steps, temps, rhs, capacity, windowMin);

    public sealed record Case(int[] Steps, double[] Temps, double[] Rhs, int Capacity, int WindowMin);

    [Fact]
    public void Filling_from_the_window_gives_the_ring_of_its_readings_added_one_by_one()
    {
        Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            var window = new SampleWindow();
            long t = 1_767_225_600_000;
            for (int i = 0; i < c.Steps.Length; i++)
            {
                t += c.Steps[i];
                window.Add(new Sample { TimeMs = t, Boot = 1, Seq = (uint)i, TempC = c.Temps[i], RhPct = c.Rhs[i] });
            }
            long windowMs = c.WindowMin * 60_000L;
            foreach (Metric metric in new[] { Metric.TemperatureC, Metric.HumidityPct })
            {
                var added = new TrendRing(c.Capacity);
                var filled = new TrendRing(c.Capacity);
                for (int last = 0; last < window.Count; last++)
                {
                    double value = metric == Metric.TemperatureC ? window[last].TempC : window[last].RhPct;
                    if (!double.IsNaN(value)) added.Add(window[last].TimeMs, value, windowMs);
                    filled.Fill(window, last, metric, windowMs);
                    string expected = Points(added), actual = Points(filled);
                    if (expected != actual) throw new InvalidOperationException($"{metric} up to reading {last}: added {expected}, filled {actual}");
                }
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    private static string Points(TrendRing ring)
    {
        var hours = new double[ring.Capacity];
        var values = new double[ring.Capacity];
        int n = ring.CopyTo(hours, values, long.MinValue);
        return $"{ring.Count} newest {ring.NewestMs} oldest {ring.OldestMs}: "
            + string.Join(' ', Enumerable.Range(0, n).Select(i => FormattableString.Invariant($"{hours[i]}:{values[i]}")));
    }
}
