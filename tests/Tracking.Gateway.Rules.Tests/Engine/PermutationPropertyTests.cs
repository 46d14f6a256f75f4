using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// Any order of arrival gives what the data in order gives: the same excursions (true start and end), the same open
/// alerts, and every alert of the data in order (kind, band, since, state). Not the alert keys: a key is fixed when the
/// alert is raised, and late data that moves an excursion's start earlier moves the alert's since, not its key. Out of
/// order there may be more resolved alerts: an alarm raised while a gap spanned the excursion (unknown time is not
/// "in range") stands until late data shows the readings back inside, and is then resolved.
/// </summary>
public sealed class PermutationPropertyTests
{
    private static readonly Profile Profile = new()
    {
        Name = "prop",
        Bands =
        [
            Upper(8, delayMin: 10, hysteresis: 0.3, cumulativeMin: 20),
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Lower, Limit = 7, Severity = Severity.Warning },
        ],
    };

    private static readonly Gen<(double Temp, bool Present)> Reading =
        from temp in Gen.Elements(5.0, 7.0, 7.6, 7.8, 8.0, 9.0)
        from present in Gen.Frequency((9, Gen.Constant(true)), (1, Gen.Constant(false)))
        select (temp, present);

    private static readonly Gen<(List<(double Temp, bool Present)> Trip, int BatchSeed, int OrderSeed, int CheckpointEvery)> Case =
        from trip in Gen.ListOf(Reading).Where(l => l.Count is >= 2 and <= 48)
        from batchSeed in Gen.Choose(0, int.MaxValue)
        from orderSeed in Gen.Choose(0, int.MaxValue)
        from checkpointEvery in Gen.Choose(1, 12)
        select (trip.ToList(), batchSeed, orderSeed, checkpointEvery);

    [Fact]
    public void Any_permutation_of_the_batches_gives_the_excursions_and_alerts_of_the_data_in_order()
    {
        Prop.ForAll(Case.ToArbitrary(), c =>
        {
            // Readings with their own seq; absent ones are gaps in the sequence.
            RuleInput[] readings = [.. c.Trip.Select((r, i) => (r, i)).Where(x => x.r.Present).Select(x => R((uint)x.i, x.r.Temp))];
            List<RuleInput[]> batches = Split(readings, new Random(c.BatchSeed));
            var order = new Random(c.OrderSeed);
            List<RuleInput[]> shuffled = [.. batches.OrderBy(_ => order.Next())];
            // Some batches arrive twice (at-least-once delivery).
            shuffled.AddRange(batches.Where(_ => order.Next(4) == 0));

            // Out of order, late data re-runs from the checkpoint before it: checkpoints every few readings here.
            (string[] Excursions, string[] Alerts) inOrder = Run([readings], 256);
            (string[] Excursions, string[] Alerts) permuted = Run(shuffled, c.CheckpointEvery);
            bool same = inOrder.Excursions.SequenceEqual(permuted.Excursions)
                && inOrder.Alerts.Where(a => a.EndsWith(" Open", StringComparison.Ordinal)).SequenceEqual(permuted.Alerts.Where(a => a.EndsWith(" Open", StringComparison.Ordinal)))
                && !inOrder.Alerts.Except(permuted.Alerts).Any();
            if (!same)
            {
                throw new InvalidOperationException(
                    $"trip {string.Join(' ', c.Trip.Select(r => r.Present ? r.Temp.ToString(System.Globalization.CultureInfo.InvariantCulture) : "_"))}\n"
                    + $"in order:\n  {string.Join("\n  ", inOrder.Excursions.Concat(inOrder.Alerts))}\npermuted:\n  {string.Join("\n  ", permuted.Excursions.Concat(permuted.Alerts))}");
            }
            return same;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    private static List<RuleInput[]> Split(RuleInput[] readings, Random random)
    {
        List<RuleInput[]> batches = [];
        for (int at = 0; at < readings.Length;)
        {
            int size = Math.Min(readings.Length - at, random.Next(1, 6));
            batches.Add(readings[at..(at + size)]);
            at += size;
        }
        return batches;
    }

    private static (string[] Excursions, string[] Alerts) Run(IEnumerable<RuleInput[]> batches, int checkpointEvery)
    {
        var rig = new Rig(Profile, checkpointEvery: checkpointEvery);
        foreach (RuleInput[] batch in batches) rig.Engine.ProcessAsync(batch).GetAwaiter().GetResult();
        string[] excursions = [.. rig.Excursions().GetAwaiter().GetResult().Select(e => $"{e.Band} {e.Start:HH:mm}-{e.End:HH:mm} {e.Peak} {e.Duration}")];
        string[] alerts = [.. rig.Alerts().GetAwaiter().GetResult()
            .Select(a => $"{a.Kind} {a.Band} {a.Since:HH:mm} {a.State}").Order(StringComparer.Ordinal)];
        return (excursions, alerts);
    }
}
