using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Mkt;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Mkt;

/// <summary>
/// MKT vectors computed by hand. The formula, time-weighted for uneven sampling and reducing to the plain mean of the
/// factors for equal intervals, is the one of https://en.wikipedia.org/wiki/Mean_kinetic_temperature (dH = 83.144 kJ/mol
/// as the customary default: https://www.esis.com.au/5-secrets-you-should-know-about-mkt-mean-kinetic-temperature/). No
/// published worked example with its figures was found through the search tool, so the vectors below are hand-computed:
/// dH/R = 83144 / 8.3144 = 10000 K exactly, factor(T) = e^(-10000 / T).
/// </summary>
public sealed class MeanKineticTemperatureTests
{
    [Fact]
    public void A_constant_temperature_is_its_own_MKT()
    {
        // -ln(e^(-10000/277.15)) = 10000/277.15, so Tk = 277.15 K = 4 C, whatever the weights.
        Assert.Equal(4.0, MeanKineticTemperature.Of([(4, 1), (4, 7)]), 9);
    }

    [Fact]
    public void Three_hours_at_5_C_and_one_at_25_C()
    {
        // factor(278.15 K) = e^(-35.95182) = 2.434002e-16; factor(298.15 K) = e^(-33.54016) = 2.714512e-15
        // sum(ti * f) = 3 * 2.434002e-16 + 1 * 2.714512e-15 = 3.444712e-15; / sum(ti) = 4 h -> 8.611781e-16
        // ln(8.611781e-16) = -34.688230; Tk = 10000 / 34.688230 = 288.2822 K = 15.1322 C (the arithmetic mean is 10 C)
        Assert.Equal(15.1322, MeanKineticTemperature.Of([(5, 3), (25, 1)]), 4);
    }

    [Fact]
    public void Equal_intervals_at_20_and_30_C()
    {
        // factor(293.15 K) = e^(-34.11223) = 1.531959e-15; factor(303.15 K) = e^(-32.98697) = 4.719988e-15; mean 3.125973e-15
        // ln(3.125973e-15) = -33.399031; Tk = 10000 / 33.399031 = 299.4099 K = 26.2599 C
        Assert.Equal(26.2599, MeanKineticTemperature.Of([(20, 1), (30, 1)]), 4);
    }

    [Fact]
    public void No_time_gives_no_MKT() => Assert.True(double.IsNaN(MeanKineticTemperature.Of([])));

    [Fact]
    public void The_rolling_window_counts_only_its_buckets()
    {
        // 24 h window, 96 buckets of 15 min. 1 h at 25 C long ago, then 3 h at 5 C and 1 h at 25 C inside the window.
        var rolling = new RollingMkt(TimeSpan.FromHours(24));
        long h = 3_600_000;
        rolling.Add(0, h, 25);
        long t = 30 * h;
        rolling.Add(t, 3 * h, 5);
        rolling.Add(t + (3 * h), h, 25);
        (double celsius, double covered) = rolling.Value(t + (4 * h));
        Assert.Equal(15.1322, celsius, 4); // as the 3:1 vector above: the old hour has left the window
        Assert.Equal(4 * h, covered);
    }

    [Fact]
    public void A_rolling_window_holds_no_buckets_until_its_first_interval_and_its_clones_none_of_its_own_until_theirs()
    {
        // A new stream's two states and their clones (issue 12: 2.3 KB of buckets each, for a stream that may have no
        // interval yet, and whose state before its window gets its first only when the window is first trimmed).
        long h = 3_600_000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var rolling = new RollingMkt(TimeSpan.FromHours(24));
        RollingMkt copy = rolling.Clone();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 1, 200); // two small objects, no 96 buckets of 24 bytes
        Assert.True(double.IsNaN(rolling.Value(h).Celsius));
        Assert.Equal(0, rolling.Value(h).CoveredMs);

        rolling.Add(0, h, 25);
        copy.Add(0, 3 * h, 5);
        RollingMkt later = rolling.Clone();
        later.Add(h, h, 5);

        // Each its own buckets: the clone made before the intervals, the one made after them.
        Assert.Equal((25, h), (Math.Round(rolling.Value(2 * h).Celsius, 6), rolling.Value(2 * h).CoveredMs));
        Assert.Equal((5, 3 * h), (Math.Round(copy.Value(2 * h).Celsius, 6), copy.Value(2 * h).CoveredMs));
        Assert.Equal(2 * h, later.Value(2 * h).CoveredMs);
    }

    [Fact]
    public async Task The_engine_weights_each_reading_by_the_time_to_the_next_one()
    {
        var rig = new Rig(new Profile { Name = "mkt" });
        // 5 C at minute 0 holds for 180 min, 25 C at minute 180 for 60 min: the 3:1 vector above.
        await rig.Feed(
            RuleInput.Reading(Box, Tag, 1, 0, Ms(0), 5),
            RuleInput.Reading(Box, Tag, 1, 1, Ms(180), 25),
            RuleInput.Reading(Box, Tag, 1, 2, Ms(240), 0));
        Assert.Equal(15.1322, (await rig.Summary()).MktTripC, 4);
    }

    [Fact]
    public async Task Mkt_high_is_raised_when_the_rolling_MKT_reaches_the_limit_and_resolved_below_it()
    {
        var profile = new Profile { Name = "mkt", MktLimitC = 8, MktWindow = TimeSpan.FromHours(24) };
        var rig = new Rig(profile);
        // 9 C every 5 min: judged once the trip covers 24 h (reading 288); MKT = 9 C >= 8 C.
        await rig.Feed([.. Enumerable.Range(0, 288).Select(i => R((uint)i, 9))]);
        Assert.Empty(await rig.Alerts());
        await rig.Feed(R(288, 9));
        Alert high = Assert.Single(await rig.Alerts(AlertState.Open));
        Assert.Equal("mkt_high", high.Kind);
        Assert.Equal(T0.AddHours(24), high.Since);
        Assert.Equal(9, high.Value!.Value, 3);

        // Then 5 C: after 12 h the window holds 12 h at 9 C and 12 h at 5 C (MKT about 7.1 C < 8 C).
        await rig.Feed([.. Enumerable.Range(289, 150).Select(i => R((uint)i, 5))]);
        Assert.Equal(AlertState.Resolved, (await rig.Store.GetAlertAsync(high.Id))!.State);
        Assert.InRange((await rig.Summary()).MktWindowC, 5, 8);
    }
}
