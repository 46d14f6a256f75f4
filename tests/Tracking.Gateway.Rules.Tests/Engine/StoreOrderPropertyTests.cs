using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using Tracking.Testing;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// What the store holds after any order of arrival equals what it holds after the data in order: exactly the same
/// excursion records (no record left behind under a start that late data moved earlier), and alerts with no alert lost
/// or doubled. Unlike <see cref="PermutationPropertyTests"/> (the engine's own summary, contiguous batches) the batches
/// here are any subsets, readings repeat within and across batches, and both the reference store and SQLite are checked.
/// Alerts compare by (kind, band, since, state, severity), not key: the key is fixed when an alert is raised and late
/// data moves its since, not its key. Out of order an extra alert may exist, always resolved: an alarm raised while a gap
/// spanned the excursion (unknown time is not "in range") that late data then showed back inside.
/// </summary>
public sealed class StoreOrderPropertyTests
{
    private static readonly Profile Profile = new()
    {
        Name = "prop",
        Bands =
        [
            Upper(8, delayMin: 10, hysteresis: 0.3, cumulativeMin: 25),
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Lower, Limit = 2, Delay = TimeSpan.FromMinutes(5), Severity = Severity.Warning },
            new Band { Metric = Metric.HumidityPct, Kind = BandKind.Upper, Limit = 90, Hysteresis = 2, Severity = Severity.Warning },
        ],
        ShockG = 4,
    };

    private static readonly Gen<(double Temp, double Rh, bool Present)> Reading =
        from temp in Gen.Elements(1.0, 2.0, 2.5, 5.0, 7.6, 7.8, 8.0, 9.0, 12.0)
        from rh in Gen.Elements(60.0, 88.5, 89.0, 90.0, 95.0, double.NaN)
        from present in Gen.Frequency((9, Gen.Constant(true)), (1, Gen.Constant(false)))
        select (temp, rh, present);

    private static readonly Gen<(List<(double Temp, double Rh, bool Present)> Trip, int Seed, int CheckpointEvery)> Case =
        from trip in Gen.ListOf(Reading).Where(l => l.Count is >= 2 and <= 60)
        from seed in Gen.Choose(0, int.MaxValue)
        from checkpointEvery in Gen.Choose(1, 16)
        select (trip.ToList(), seed, checkpointEvery);

    [Fact]
    public void The_reference_store_holds_the_in_order_excursions_and_alerts_for_any_arrival()
    {
        Prop.ForAll(Case.ToArbitrary(), c => Check(c.Trip, c.Seed, c.CheckpointEvery, () => Task.FromResult<IRuleStore>(new InMemoryRuleStore())))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void The_sqlite_store_holds_the_in_order_excursions_and_alerts_for_any_arrival()
    {
        // Fewer cases: each opens two SQLite files (about 0.8 s a case on 2 busy cores). The SQL delete is what this adds
        // over the reference store.
        string directory = Path.Combine(Path.GetTempPath(), $"rules-order-{Guid.NewGuid():N}");
        try
        {
            int n = 0;
            Prop.ForAll(Case.ToArbitrary(), c => Check(c.Trip, c.Seed, c.CheckpointEvery, async () =>
                    await SqliteRuleStore.OpenAsync(Path.Combine(directory, $"{n++}.db"), TimeSpan.FromSeconds(10))))
                .Check(Config.QuickThrowOnFailure.WithMaxTest(15));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Late_data_that_moves_a_start_earlier_leaves_one_record_in_the_store()
    {
        // Hand-computed: 9 degC at 10, 15, 20 min; the 10-min reading arrives last and the excursion starts there.
        var store = new InMemoryRuleStore();
        var rig = new Rig(Profile, store);
        await rig.Feed(R(0, 5), R(1, 5), R(3, 9), R(4, 9), R(5, 5));
        Excursion first = Assert.Single(await store.ListExcursionsAsync(Box, T0, T0.AddDays(1)));
        Assert.Equal(T0.AddMinutes(15), first.Start);

        await rig.Feed(R(2, 9));
        Excursion moved = Assert.Single(await store.ListExcursionsAsync(Box, T0, T0.AddDays(1)));
        Assert.Equal((T0.AddMinutes(10), T0.AddMinutes(25), TimeSpan.FromMinutes(15)), (moved.Start, moved.End!.Value, moved.Duration));
        // And the alarm it now reaches (10 min delay) is there once, since the true start.
        Alert alert = Assert.Single(await store.ListAlertsAsync(new AlertQuery()));
        Assert.Equal((T0.AddMinutes(10), AlertState.Resolved), (alert.Since, alert.State));
    }

    private static bool Check(List<(double Temp, double Rh, bool Present)> trip, int seed, int checkpointEvery, Func<Task<IRuleStore>> open)
    {
        RuleInput[] inputs = Inputs(trip);
        var random = new Random(seed);
        List<RuleInput[]> arrival = Arrival(inputs, random);
        (string[] Excursions, string[] Alerts) inOrder = Run([inputs], 256, open).GetAwaiter().GetResult();
        (string[] Excursions, string[] Alerts) permuted = Run(arrival, checkpointEvery, open).GetAwaiter().GetResult();

        bool sameExcursions = inOrder.Excursions.SequenceEqual(permuted.Excursions);
        // Every in-order alert exactly once (a multiset difference), the rest resolved.
        List<string> extra = [.. permuted.Alerts];
        bool allFound = inOrder.Alerts.All(extra.Remove);
        bool extrasResolved = extra.All(a => a.Contains(" Resolved ", StringComparison.Ordinal));
        bool same = sameExcursions && allFound && extrasResolved;
        if (!same)
        {
            throw new InvalidOperationException(
                $"trip {string.Join(' ', trip.Select(r => r.Present ? FormattableString.Invariant($"{r.Temp}/{r.Rh}") : "_"))} seed {seed} every {checkpointEvery}\n"
                + $"arrival: {string.Join(" | ", arrival.Select(b => string.Join(',', b.Select(i => i.Seq))))}\n"
                + $"in order:\n  {string.Join("\n  ", inOrder.Excursions.Concat(inOrder.Alerts))}\n"
                + $"permuted:\n  {string.Join("\n  ", permuted.Excursions.Concat(permuted.Alerts))}");
        }
        return same;
    }

    /// <summary>Readings on the 5-minute grid (absent ones are gaps in seq) and a shock event every seventh reading.</summary>
    private static RuleInput[] Inputs(List<(double Temp, double Rh, bool Present)> trip)
    {
        List<RuleInput> inputs = [];
        for (int i = 0; i < trip.Count; i++)
        {
            if (!trip[i].Present) continue;
            inputs.Add(R((uint)i, trip[i].Temp, trip[i].Rh));
            if (i % 7 == 3) inputs.Add(RuleInput.Shock(Box, Tag, 1, (uint)i, Ms(i * 5.0 + 1), i % 2 == 0 ? 6.5 : 3.0));
        }
        return [.. inputs];
    }

    /// <summary>Any batching of any order: each input lands in a random batch, a quarter of them twice, some batches twice.</summary>
    private static List<RuleInput[]> Arrival(RuleInput[] inputs, Random random)
    {
        int count = random.Next(1, Math.Max(2, inputs.Length / 2));
        var batches = new List<RuleInput>[count];
        for (int b = 0; b < count; b++) batches[b] = [];
        foreach (RuleInput input in inputs)
        {
            batches[random.Next(count)].Add(input);
            if (random.Next(4) == 0) batches[random.Next(count)].Add(input);
        }
        List<RuleInput[]> arrival = [.. batches.Where(b => b.Count > 0).Select(b => b.OrderBy(_ => random.Next()).ToArray())];
        arrival.AddRange(arrival.Where(_ => random.Next(5) == 0).ToList());
        return arrival;
    }

    private static async Task<(string[] Excursions, string[] Alerts)> Run(IEnumerable<RuleInput[]> batches, int checkpointEvery, Func<Task<IRuleStore>> open)
    {
        IRuleStore store = await open();
        try
        {
            await store.PutProfileAsync(Profile);
            await store.AssignProfileAsync(Box, Profile.Name);
            var engine = new RuleEngine(store, [new RecordingSink()], Options.Create(new RulesOptions()), new ManualTimeProvider(T0.AddDays(1)))
            {
                CheckpointEvery = checkpointEvery,
            };
            foreach (RuleInput[] batch in batches) await engine.ProcessAsync(batch);
            string[] excursions = [.. (await store.ListExcursionsAsync(Box, DateTimeOffset.MinValue, DateTimeOffset.MaxValue))
                .Select(e => FormattableString.Invariant($"{e.Band} {e.Start:HH:mm}-{e.End:HH:mm} {e.Peak} {e.Duration}"))];
            string[] alerts = [.. (await store.ListAlertsAsync(new AlertQuery(Limit: 10_000)))
                .Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Kind} {a.Band} {a.Since:HH:mm:ss} {a.State} {a.Severity}"))
                .Order(StringComparer.Ordinal)];
            return (excursions, alerts);
        }
        finally
        {
            if (store is IAsyncDisposable disposable) await disposable.DisposeAsync();
        }
    }
}
