using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Tests.Store;

/// <summary>The in-memory store keeps the interface's rules: one alert per key, fleet defaults, excursions by (band, start).</summary>
public sealed class InMemoryRuleStoreTests
{
    private static readonly ContainerKey Box = new("acme", "CSQU3054383");
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static Alert NewAlert(string key) => new()
    {
        Key = key, Container = Box, Kind = "temp_high", Band = "temp_c_upper_8", Severity = Severity.Alarm, Since = Start, RaisedAt = Start.AddMinutes(30),
    };

    [Fact]
    public async Task A_second_open_with_the_same_key_returns_the_first_alert()
    {
        var store = new InMemoryRuleStore();
        var (first, created) = await store.OpenAlertAsync(NewAlert("k1"));
        var (again, createdAgain) = await store.OpenAlertAsync(NewAlert("k1") with { Message = "replayed" });
        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(first, again);
        Assert.Single(await store.ListAlertsAsync(new AlertQuery()));

        await store.UpdateAlertAsync(first with { State = AlertState.Resolved, Key = "changed" });
        Assert.False((await store.OpenAlertAsync(NewAlert("k1"))).Created); // also once resolved
        Assert.Equal("k1", (await store.GetAlertAsync(first.Id))!.Key);
        Assert.Empty(await store.ListAlertsAsync(new AlertQuery(State: AlertState.Open)));
    }

    [Fact]
    public async Task A_container_without_its_own_profile_gets_its_fleets_default()
    {
        var store = new InMemoryRuleStore();
        Assert.Null(await store.AssignedProfileAsync(Box));
        await store.AssignProfileAsync(Box with { Container = "*" }, "pharma");
        Assert.Equal("pharma", await store.AssignedProfileAsync(Box));
        await store.AssignProfileAsync(Box, "frozen");
        Assert.Equal("frozen", await store.AssignedProfileAsync(Box));
        Assert.Equal("pharma", await store.AssignedProfileAsync(Box with { Container = "MSCU1234565" }));
    }

    [Fact]
    public async Task An_excursion_is_updated_in_place_and_listed_when_it_overlaps()
    {
        var store = new InMemoryRuleStore();
        var open = new Excursion { Container = Box, Band = "temp_c_upper_8", Start = Start, Peak = 9.1 };
        await store.PutExcursionAsync(open);
        await store.PutExcursionAsync(open with { End = Start.AddHours(2), Peak = 11.5, Duration = TimeSpan.FromHours(2) });

        Excursion stored = Assert.Single(await store.ListExcursionsAsync(Box, Start.AddHours(1), Start.AddHours(3)));
        Assert.Equal(11.5, stored.Peak);
        Assert.Empty(await store.ListExcursionsAsync(Box, Start.AddHours(2), Start.AddHours(3)));
        Assert.Empty(await store.ListExcursionsAsync(Box with { Container = "MSCU1234565" }, Start, Start.AddDays(1)));
    }
}
