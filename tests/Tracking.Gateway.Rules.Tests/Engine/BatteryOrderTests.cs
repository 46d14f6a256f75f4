using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// Issue 12: battery_low follows device time, as the bands do. The latest deciding value by device time (at or below the
/// 3.4 V limit: low; at or above 3.5 V: not low; between: nothing) decides whether an alert is open, and the run of low
/// values it ends gives its since, whatever the arrival order (shared mode evaluates the log in append order).
/// </summary>
public sealed class BatteryOrderTests
{
    private static readonly Profile Watched = new() { Name = "watched", Bands = [], BatteryV = 3.4 };

    private static RuleInput Volts(double minutes, double volts) => RuleInput.Battery(Box, Tag, Ms(minutes), volts);

    [Fact]
    public async Task An_older_good_value_arriving_after_a_newer_low_one_does_not_resolve_the_alert()
    {
        var rig = new Rig(Watched);
        await rig.Feed(Volts(10, 3.3));
        await rig.Feed(Volts(5, 3.6)); // measured before the low value: the battery is still low
        Alert low = Assert.Single(await rig.Alerts(AlertState.Open));
        Assert.Equal(T0.AddMinutes(10), low.Since);
    }

    [Fact]
    public async Task An_older_low_value_arriving_after_a_newer_good_one_opens_nothing()
    {
        var rig = new Rig(Watched);
        await rig.Feed(Volts(10, 3.6));
        await rig.Feed(Volts(5, 3.3));
        Assert.Empty(await rig.Alerts());
        Assert.Empty(rig.Sink.Seen);
    }

    [Fact]
    public async Task A_late_low_value_of_the_same_run_moves_the_since_earlier_and_a_late_good_one_splits_the_run()
    {
        var rig = new Rig(Watched);
        await rig.Feed(Volts(0, 3.6), Volts(20, 3.3));
        await rig.Feed(Volts(10, 3.35)); // the low run began at 10
        Alert low = Assert.Single(await rig.Alerts(AlertState.Open));
        Assert.Equal(T0.AddMinutes(10), low.Since);

        await rig.Feed(Volts(15, 3.55)); // good at 15: the run that is low now began at 20
        Alert now = Assert.Single(await rig.Alerts(AlertState.Open));
        Assert.Equal(T0.AddMinutes(20), now.Since);
        Assert.Equal(AlertState.Resolved, (await rig.Store.GetAlertAsync(low.Id))!.State);

        await rig.Feed(Volts(25, 3.45), Volts(30, 3.5)); // 3.45 decides nothing; 3.5 ends the run
        Assert.Empty(await rig.Alerts(AlertState.Open));
    }

    [Fact]
    public async Task The_battery_state_survives_a_restart()
    {
        var rig = new Rig(Watched);
        await rig.Feed(Volts(10, 3.3));
        Rig restarted = rig.Restart();
        await restarted.Engine.LoadAsync();
        await restarted.Feed(Volts(5, 3.6)); // older than the saved low value: still low
        Assert.Single(await restarted.Alerts(AlertState.Open));
        await restarted.Feed(Volts(0, 3.3), Volts(15, 3.6));
        Assert.Empty(await restarted.Alerts(AlertState.Open));
        Assert.Single(await restarted.Alerts());
    }

    [Fact]
    public async Task After_a_restart_an_alert_and_its_end_a_late_low_value_older_than_the_last_good_one_opens_nothing()
    {
        var rig = new Rig(Watched);
        await rig.Feed(Volts(10, 3.6));
        Rig restarted = rig.Restart();
        await restarted.Engine.LoadAsync();
        await restarted.Feed(Volts(20, 3.3));
        Assert.Single(await restarted.Alerts(AlertState.Open));
        await restarted.Feed(Volts(30, 3.6));
        Assert.Empty(await restarted.Alerts(AlertState.Open));
        // The commonest value, a healthy battery's next one, taken without reading the list (StreamState.OnlyHealthy):
        // the good value kept must become the one at 40, whatever the list held before the restart.
        await restarted.Feed(Volts(40, 3.6));
        await restarted.Feed(Volts(35, 3.3));
        Assert.Empty(await restarted.Alerts(AlertState.Open));
        await restarted.Feed(Volts(45, 3.3));
        Alert low = Assert.Single(await restarted.Alerts(AlertState.Open));
        Assert.Equal(T0.AddMinutes(45), low.Since);
    }

    [Fact]
    public async Task A_long_low_run_keeps_its_alert_and_since()
    {
        var rig = new Rig(Watched);
        await rig.Feed(Volts(0, 3.6));
        for (int i = 1; i <= 200; i++) await rig.Feed(Volts(i * 5, 3.3));
        Alert low = Assert.Single(await rig.Alerts());
        Assert.Equal((AlertState.Open, T0.AddMinutes(5)), (low.State, low.Since));
        await rig.Feed(Volts(1010, 3.6));
        Assert.Empty(await rig.Alerts(AlertState.Open));
    }

    private static readonly Gen<(List<double> Volts, int BatchSeed, int OrderSeed)> Case =
        from volts in Gen.ListOf(Gen.Elements(3.2, 3.3, 3.4, 3.45, 3.49, 3.5, 3.6)).Where(l => l.Count is >= 1 and <= 30)
        from batchSeed in Gen.Choose(0, int.MaxValue)
        from orderSeed in Gen.Choose(0, int.MaxValue)
        select (volts.ToList(), batchSeed, orderSeed);

    [Fact]
    public void Any_arrival_order_gives_the_open_battery_alert_of_the_values_in_device_time_order()
    {
        Prop.ForAll(Case.ToArbitrary(), c =>
        {
            RuleInput[] values = [.. c.Volts.Select((v, i) => Volts(i * 5, v))];
            var random = new Random(c.BatchSeed);
            List<RuleInput[]> batches = [];
            for (int at = 0; at < values.Length;)
            {
                int size = Math.Min(values.Length - at, random.Next(1, 5));
                batches.Add([.. values[at..(at + size)].OrderBy(_ => random.Next())]);
                at += size;
            }
            var order = new Random(c.OrderSeed);
            List<RuleInput[]> shuffled = [.. batches.OrderBy(_ => order.Next())];
            shuffled.AddRange(batches.Where(_ => order.Next(4) == 0)); // at-least-once delivery

            string[] inOrder = Open(values.Select(v => new[] { v }));
            string[] permuted = Open(shuffled);
            // And with restarts between batches: the loaded state's values (and what the engine keeps of them to take a
            // healthy value without reading the list, StreamState.OnlyHealthy) decide as the running engine's would.
            string[] restarted = Open(shuffled, new Random(c.OrderSeed));
            if (!inOrder.SequenceEqual(permuted) || !inOrder.SequenceEqual(restarted) || permuted.Length > 1)
            {
                throw new InvalidOperationException(
                    $"volts {string.Join(' ', c.Volts.Select(v => v.ToString(CultureInfo.InvariantCulture)))}\n"
                    + $"in order: {string.Join("; ", inOrder)}\npermuted: {string.Join("; ", permuted)}\n"
                    + $"permuted, restarts between: {string.Join("; ", restarted)}");
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    /// <summary>
    /// The open alerts after the batches: kind, since (device time) and the limit. With <paramref name="restarts"/>, the
    /// engine is restarted from its saved state after a batch now and then (each batch's state is saved).
    /// </summary>
    private static string[] Open(IEnumerable<RuleInput[]> batches, Random? restarts = null)
    {
        var rig = new Rig(Watched);
        foreach (RuleInput[] batch in batches)
        {
            rig.Engine.ProcessAsync(batch).GetAwaiter().GetResult();
            if (restarts is null || restarts.Next(3) != 0) continue;
            rig = rig.Restart();
            rig.Engine.LoadAsync().GetAwaiter().GetResult();
        }
        return [.. rig.Alerts(AlertState.Open).GetAwaiter().GetResult().Select(a => $"{a.Kind} since {a.Since:HH:mm} limit {a.Limit}")];
    }
}
