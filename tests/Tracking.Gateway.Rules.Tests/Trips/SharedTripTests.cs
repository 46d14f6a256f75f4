using System.Globalization;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using Tracking.Gateway.Rules.Trips;
using Tracking.Testing;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Trips;

/// <summary>
/// Shared mode's store (README.md "Trips", "Several gateways"): two gateways on one real PostgreSQL database, a trip
/// started through the one that does not evaluate the container. PostgreSQL keeps no profile version, so the evaluating
/// engine reads the container's trips again with its profile, once per <c>Rules:ProfileRefresh</c>, and from then on
/// its readings count in the trip.
/// </summary>
public sealed class SharedTripTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_trip_started_through_another_gateway_applies_within_the_profile_refresh()
    {
        string database = $"rules_{Guid.NewGuid():N}";
        await postgres.Server.CreateDatabaseAsync(database);
        await using PostgresRuleStore evaluating = await PostgresRuleStore.OpenAsync(postgres.Server.ConnectionString(database));
        await using PostgresRuleStore other = await PostgresRuleStore.OpenAsync(postgres.Server.ConnectionString(database));
        Assert.Null(await evaluating.ProfileVersionAsync());
        Profile profile = OneBand(Upper(8, delayMin: 600, cumulativeMin: 10));
        await other.PutProfileAsync(profile);
        await other.AssignProfileAsync(Box, profile.Name);

        var time = new ManualTimeProvider(T0);
        var options = new RulesOptions();
        var sink = new RecordingSink();
        var engine = new RuleEngine(evaluating, [sink], Options.Create(options), time);
        await engine.ProcessAsync(Series(9, 9));

        // The operator starts the trip through the other gateway (its API, its store connection).
        TripChange started = await other.StartTripAsync(new Trip { Container = Box, Start = T0.AddMinutes(7.5), Reference = "BL-SHARED" });
        Assert.Equal(TripOutcome.Done, started.Outcome);
        time.Advance(options.ProfileRefresh);
        await engine.ProcessAsync([R(2, 9), R(3, 9), R(4, 7)]);

        // 0-7.5 in no trip (7.5 min, under the budget), 10-20 in the trip: its own 10 min spend its budget.
        IReadOnlyList<Excursion> stored = await other.ListExcursionsAsync(Box, T0.AddDays(-1), T0.AddDays(1));
        Assert.Equal([(0.0, 7.5, (long?)null), (10.0, 20.0, started.Trip!.Id)],
            stored.Select(e => ((e.Start - T0).TotalMinutes, (e.End!.Value - T0).TotalMinutes, e.Trip)));
        Alert alert = Assert.Single(await other.ListAlertsAsync(new AlertQuery()));
        Assert.EndsWith(".cum.t" + started.Trip.Id.ToString(CultureInfo.InvariantCulture), alert.Key);
        Assert.Equal(T0.AddMinutes(10), alert.Since);
        Assert.Equal(started.Trip.Id, Assert.Single(await engine.SummaryAsync(Box)).Trip);
    }
}
