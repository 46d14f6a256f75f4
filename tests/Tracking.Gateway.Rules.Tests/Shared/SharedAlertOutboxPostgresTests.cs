using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Shared;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using Tracking.Testing;

namespace Tracking.Gateway.Rules.Tests.Shared;

/// <summary>
/// Issue 12, shared mode on a real PostgreSQL server: alert writes are fenced like state saves (a former owner that lost
/// its lease without noticing writes no alert, records no predictive warning and owes no notification), and the outbox's
/// notifications are handed out by exactly one gateway however many dispatch at once.
/// </summary>
public sealed class SharedAlertOutboxPostgresTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const int Partitions = 4;
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly ContainerKey Box = new("acme", "CSQU3054383");
    private static readonly Profile Profile = new()
    {
        Name = "fenced",
        Bands = [new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 8, Hysteresis = 0.5 }],
    };

    private readonly string _database = $"outbox_{Guid.NewGuid():N}";
    private readonly List<IAsyncDisposable> _owned = [];

    private string ConnectionString => postgres.Server.ConnectionString(_database);

    public async Task InitializeAsync()
    {
        await postgres.Server.CreateDatabaseAsync(_database);
        PostgresRuleStore store = await OpenAsync();
        await store.PutProfileAsync(Profile);
        await store.AssignProfileAsync(ContainerKey.DefaultOf(Box.Fleet), Profile.Name);
    }

    public async Task DisposeAsync()
    {
        foreach (IAsyncDisposable d in _owned) await d.DisposeAsync();
    }

    private async Task<PostgresRuleStore> OpenAsync()
    {
        PostgresRuleStore store = await PostgresRuleStore.OpenAsync(ConnectionString);
        _owned.Add(store);
        return store;
    }

    /// <summary>A gateway's store in shared mode holding <see cref="Box"/>'s partition at the epoch of a takeover made now.</summary>
    private async Task<(SharedRuleStore Store, PostgresRuleStore Pg, PartitionOwnership Ownership)> OwnerAsync(string name)
    {
        PostgresRuleStore pg = await OpenAsync();
        var log = new SharedRuleLog(ConnectionString, Partitions);
        _owned.Add(log);
        await log.EnsureAsync();
        var ownership = new PartitionOwnership(Partitions);
        ownership.Add(await log.TakeOverAsync(ownership.PartitionOf(Box), name));
        return (new SharedRuleStore(pg, log, ownership), pg, ownership);
    }

    private static Alert NewAlert(string key) => new()
    {
        Key = key, Container = Box, Tag = "tag7", Kind = "temp_high", Band = "upper", Severity = Severity.Alarm, Since = T0, RaisedAt = T0.AddMinutes(5),
    };

    [Fact]
    public async Task A_fenced_out_owners_alert_writes_are_refused_and_owe_nothing()
    {
        (SharedRuleStore a, PostgresRuleStore pg, _) = await OwnerAsync("a");
        Alert first = (await a.OpenAlertAsync(NewAlert("k1"))).Alert;
        Alert second = (await a.OpenAlertAsync(NewAlert("k2"))).Alert;
        Assert.Equal(2, (await pg.ListAlertEventsAsync(10)).Count);

        // b takes the partition over (a stalled, its lease lost without it noticing): a's epoch is stale.
        (SharedRuleStore b, _, _) = await OwnerAsync("b");
        await Assert.ThrowsAsync<LeaseLostException>(() => a.OpenAlertAsync(NewAlert("k3")));
        await Assert.ThrowsAsync<LeaseLostException>(() => a.ResolveAlertAsync(first.Id, T0.AddHours(1)));
        await Assert.ThrowsAsync<LeaseLostException>(() => a.EscalateAlertAsync(first.Id, 0, Severity.Critical, T0.AddHours(1)));
        await Assert.ThrowsAsync<LeaseLostException>(() => a.MoveAlertSinceAsync(first.Id, T0.AddMinutes(-5)));
        Assert.Equal(2, (await pg.ListAlertsAsync(new AlertQuery(Limit: 100))).Count);
        Assert.Equal(first, await pg.GetAlertAsync(first.Id));
        Assert.Equal(2, (await pg.ListAlertEventsAsync(10)).Count);

        // The operator's acknowledgement is nobody's lease: through any gateway.
        Assert.True((await a.AcknowledgeAlertAsync(second.Id, "op", T0.AddHours(1), null)).Changed);
        // The new owner writes.
        Assert.True((await b.ResolveAlertAsync(first.Id, T0.AddHours(2))).Changed);
        Assert.True((await b.EscalateAlertAsync(second.Id, 0, Severity.Critical, T0.AddHours(2))).Changed is false); // acknowledged: not escalated
        Assert.True((await b.OpenAlertAsync(NewAlert("k3"))).Created);
        Assert.Equal([AlertTransition.Raised, AlertTransition.Raised, AlertTransition.Acknowledged, AlertTransition.Resolved, AlertTransition.Raised],
            (await pg.ListAlertEventsAsync(10)).Select(e => e.Notification!.Transition));
    }

    [Fact]
    public async Task A_container_this_gateway_does_not_own_is_written_unfenced()
    {
        (SharedRuleStore a, PostgresRuleStore pg, PartitionOwnership ownership) = await OwnerAsync("a");
        ownership.Remove(ownership.PartitionOf(Box));
        // An acknowledgement through this gateway's API resolving a momentary alert of a container another gateway owns.
        Alert alert = (await pg.OpenAlertAsync(NewAlert("shock"))).Alert;
        Assert.True((await a.ResolveAlertAsync(alert.Id, T0.AddHours(1))).Changed);
    }

    [Fact]
    public async Task A_stalled_owners_engine_raises_no_alert_after_the_takeover_and_the_successors_is_notified_once()
    {
        var time = new ManualTimeProvider(T0.AddDays(1));
        (SharedRuleStore a, _, _) = await OwnerAsync("a");
        var sinkA = new RecordingSink();
        var engineA = new RuleEngine(a, [sinkA], Options.Create(new RulesOptions()), time);
        await engineA.ProcessAsync([Reading(0, 5), Reading(1, 5)], saveState: false);

        (SharedRuleStore b, PostgresRuleStore pg, _) = await OwnerAsync("b");
        // a evaluates a reading outside after b took over: the alert write is fenced, nothing is stored or owed.
        await Assert.ThrowsAsync<LeaseLostException>(() => engineA.ProcessAsync([Reading(2, 9)], saveState: false));
        Assert.Empty(await pg.ListAlertsAsync(new AlertQuery(Limit: 100)));
        Assert.Empty(await pg.ListAlertEventsAsync(10));
        Assert.Empty(sinkA.Seen);

        var sinkB = new RecordingSink();
        var engineB = new RuleEngine(b, [sinkB], Options.Create(new RulesOptions()), time);
        await engineB.ProcessAsync([Reading(0, 5), Reading(1, 5), Reading(2, 9)], saveState: false);
        Alert raised = Assert.Single(await pg.ListAlertsAsync(new AlertQuery(Limit: 100)));
        Assert.Equal(raised.Id, Assert.Single(sinkB.Seen).Alert.Id);
        Assert.Empty(await pg.ListAlertEventsAsync(10));
        Assert.Empty(sinkA.Seen);
    }

    [Fact]
    public async Task A_stalled_owner_records_no_warning_after_the_takeover_and_the_successor_records_it_once()
    {
        // The ramp 4.0 + 0.1 i (5-min readings) reaches 8 C at reading 40; issued from reading 16 on (alarm within 2 h).
        static RuleInput[] Ramp(int from, int to) => [.. Enumerable.Range(from, to - from + 1).Select(i => Reading((uint)i, 4.0 + (0.1 * i)))];
        var options = Options.Create(new RulesOptions { PredictionConfirm = TimeSpan.Zero, PredictionRefit = TimeSpan.Zero });
        var time = new ManualTimeProvider(T0.AddDays(1));
        (SharedRuleStore a, _, _) = await OwnerAsync("a");
        var sinkA = new RecordingSink();
        var engineA = new RuleEngine(a, [sinkA], options, time, warningSinks: [sinkA]);
        await engineA.ProcessAsync(Ramp(0, 15), saveState: false);

        // b takes the partition over; a, stalled, evaluates the reading that issues the warning: its record is fenced.
        (SharedRuleStore b, PostgresRuleStore pg, _) = await OwnerAsync("b");
        await Assert.ThrowsAsync<LeaseLostException>(() => engineA.ProcessAsync(Ramp(16, 16), saveState: false));
        await Assert.ThrowsAsync<LeaseLostException>(() => a.RecordWarningAsync(new WarningNotification(WarningTransition.Issued, new PredictiveWarning
        {
            Container = Box, Tag = "tag7", Band = "b", Kind = "temp_high", Severity = Severity.Alarm, IssuedAt = T0,
        }, T0)));
        Assert.Empty(await pg.ListAlertEventsAsync(10));
        Assert.Empty(sinkA.Warnings);

        var sinkB = new RecordingSink();
        var engineB = new RuleEngine(b, [sinkB], options, time, warningSinks: [sinkB]);
        await engineB.ProcessAsync(Ramp(0, 16), saveState: false);
        WarningNotification issued = Assert.Single(sinkB.Warnings);
        Assert.Equal((WarningTransition.Issued, T0.AddMinutes(80)), (issued.Transition, issued.Warning.IssuedAt));
        Assert.Empty(await pg.ListAlertEventsAsync(10));
        Assert.Empty(sinkA.Warnings);
    }

    [Fact]
    public async Task Gateways_dispatching_at_once_hand_each_owed_notification_out_exactly_once()
    {
        PostgresRuleStore writer = await OpenAsync();
        const int Count = 300;
        for (int i = 0; i < Count; i++) await writer.OpenAlertAsync(NewAlert($"d{i}") with { Container = new ContainerKey("acme", $"C{i:D5}") });

        // Three gateways (stores with their own connection pools), each with its own sink and dispatcher, all at once.
        var sinks = new RecordingSink[3];
        var dispatchers = new AlertDispatcher[3];
        for (int g = 0; g < 3; g++)
        {
            sinks[g] = new RecordingSink();
            dispatchers[g] = new AlertDispatcher(await OpenAsync(), [new SlowSink(sinks[g])], Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        }
        int[] delivered = await Task.WhenAll(dispatchers.Select(d => Task.Run(() => d.DispatchAsync())));

        Assert.Equal(Count, delivered.Sum());
        List<long> ids = [.. sinks.SelectMany(s => s.Seen).Select(n => n.Alert.Id)];
        Assert.Equal(Count, ids.Count);
        Assert.Equal(Count, ids.Distinct().Count());
        Assert.Empty(await writer.ListAlertEventsAsync(10));
        // Each gateway's sink saw its notifications in the order the alerts were raised.
        foreach (RecordingSink s in sinks) Assert.Equal(s.Seen.Select(n => n.Alert.Id).Order(), s.Seen.Select(n => n.Alert.Id));
    }

    private static RuleInput Reading(uint seq, double tempC) =>
        RuleInput.Reading(Box, "tag7", 1, seq, T0.AddMinutes(5 * seq).ToUnixTimeMilliseconds(), tempC, double.NaN);

    /// <summary>A sink that takes a moment per notification, so dispatch rounds of several gateways overlap.</summary>
    private sealed class SlowSink(RecordingSink inner) : IAlertSink
    {
        public async ValueTask PublishAsync(AlertNotification notification, CancellationToken ct)
        {
            await Task.Delay(1, ct);
            await inner.PublishAsync(notification, ct);
        }
    }
}
