using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Shared;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using Tracking.Testing;

namespace Tracking.Gateway.Rules.Tests.Shared;

/// <summary>
/// Shared mode against a real PostgreSQL server: gateways (engines, logs and members in this process, each with its own
/// connections) appending the same containers' inputs split at random, evaluating their partitions concurrently, one
/// killed mid-run; the excursions and alerts must equal those of one engine fed everything in order, every alert exactly
/// once and raised (notified) once.
/// </summary>
public sealed class SharedRulesPostgresTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IAsyncLifetime
{
    private const int Partitions = 8;
    private const string Fleet = "acme";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Delay 0 on both bands: every excursion alarms at its first reading whatever the order of arrival, so the alerts of
    /// any interleaving are those of the data in order (a delayed alarm raised across a gap that late data fills is resolved,
    /// not undone: README "Alerts"). Shocks from 3 g.
    /// </summary>
    private static readonly Profile Profile = new()
    {
        Name = "shared",
        Bands =
        [
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 8, Hysteresis = 0.5 },
            new Band { Metric = Metric.TemperatureC, Kind = BandKind.Lower, Limit = 2, Hysteresis = 0.5 },
        ],
        ShockG = 3,
    };

    private readonly string _database = $"shared_{Guid.NewGuid():N}";
    private readonly ManualTimeProvider _time = new(T0.AddDays(2));
    private readonly List<SharedGateway> _gateways = [];

    private string ConnectionString => postgres.Server.ConnectionString(_database);

    public async Task InitializeAsync()
    {
        await postgres.Server.CreateDatabaseAsync(_database);
        await using PostgresRuleStore store = await PostgresRuleStore.OpenAsync(ConnectionString);
        await store.PutProfileAsync(Profile);
        await store.AssignProfileAsync(ContainerKey.DefaultOf(Fleet), Profile.Name);
    }

    public async Task DisposeAsync()
    {
        foreach (SharedGateway g in _gateways) await g.DisposeAsync();
    }

    private async Task<SharedGateway> GatewayAsync(string name, int readBatch = 1000)
    {
        SharedGateway g = await SharedGateway.StartAsync(ConnectionString, Partitions, _time, name, readBatch);
        _gateways.Add(g);
        return g;
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 3)]
    public async Task Gateways_sharing_a_store_give_the_excursions_and_alerts_of_one_engine(int seed, int gateways)
    {
        List<RuleInput[]> messages = Messages(seed);
        var random = new Random(seed);
        SharedGateway[] members = new SharedGateway[gateways];
        for (int i = 0; i < gateways; i++) members[i] = await GatewayAsync($"gw{i}", readBatch: 50 + random.Next(200));

        // Each message goes to one gateway at random (a shared subscription hands out messages, not topics); each
        // gateway's feed appends its own messages in order, a few per batch, while every gateway evaluates its partitions.
        List<RuleInput[]>[] feeds = [.. Enumerable.Range(0, gateways).Select(_ => new List<RuleInput[]>())];
        foreach (RuleInput[] m in messages) feeds[random.Next(gateways)].Add(m);
        int feedsLeft = gateways;
        Task[] appenders = [.. Enumerable.Range(0, gateways).Select(i => Task.Run(async () =>
        {
            var r = new Random(seed * 100 + i);
            List<RuleInput[]> feed = feeds[i];
            for (int at = 0; at < feed.Count;)
            {
                int n = Math.Min(1 + r.Next(3), feed.Count - at);
                await members[i].Log.AppendAsync([.. feed.Skip(at).Take(n).SelectMany(m => m)]);
                at += n;
            }
            Interlocked.Decrement(ref feedsLeft);
        }))];
        Task[] evaluators = [.. members.Select(g => Task.Run(() => DriveAsync(g, () => Volatile.Read(ref feedsLeft) == 0)))];
        await Task.WhenAll(appenders).WaitAsync(TimeSpan.FromMinutes(2));
        await Task.WhenAll(evaluators).WaitAsync(TimeSpan.FromMinutes(2));

        await AssertSameAsOneEngineAsync(messages, members);
        // The load was split: every gateway held partitions at the end.
        Assert.All(members, g => Assert.True(g.Ownership.Count > 0, "a gateway evaluated nothing"));
    }

    [Fact]
    public async Task A_gateway_killed_mid_round_is_taken_over_with_no_alert_lost_or_doubled()
    {
        List<RuleInput[]> messages = Messages(seed: 7);
        SharedGateway a = await GatewayAsync("a");
        SharedGateway b = await GatewayAsync("b");
        // Half the messages (at random) first, the other half after the crash: late data that moves excursions' starts
        // earlier, so an alert's key (which keeps the start it was raised with) depends on what its raiser had seen. The
        // successor replays the dead gateway's groups as it saw them and finds its alerts; evaluating in other batches
        // would raise the same excursions' alerts a second time under other keys.
        var random = new Random(7);
        List<RuleInput[]> first = [], later = [];
        foreach (RuleInput[] m in messages) (random.Next(2) == 0 ? first : later).Add(m);
        await AppendAsync(b, first);

        await a.Member.RebalanceAsync();  // alone: all 8
        await b.Member.RebalanceAsync();  // two live, share 4, none free
        await a.Member.RebalanceAsync();  // hands over 4
        await b.Member.RebalanceAsync();  // takes them
        Assert.Equal(4, a.Ownership.Count);
        Assert.Equal(4, b.Ownership.Count);
        await b.Member.RoundAsync();

        // a evaluates its round (alerts raised and notified), then dies before saving: its session ends with no clean stop.
        a.Member.BeforeSave = async () =>
        {
            await postgres.Server.ExecuteAsync($"SELECT pg_terminate_backend({a.Member.LeaseProcessId})", _database);
            throw new InvalidOperationException("SIGKILL");
        };
        await Assert.ThrowsAsync<InvalidOperationException>(() => a.Member.RoundAsync());
        Assert.NotEmpty(a.Sink.Of(AlertTransition.Raised));

        // The rest arrives; the dead gateway's engine is still in memory (a stalled process that does not know): it
        // evaluates on and tries to save, and is fenced off once b has taken over.
        await AppendAsync(b, later);
        await WaitUntilAsync(async () =>
        {
            await b.Member.RebalanceAsync();
            return b.Ownership.Count == Partitions;
        });
        a.Member.BeforeSave = null;
        object? positions = await postgres.Server.ExecuteAsync("SELECT string_agg(position::text, ',' ORDER BY partition) FROM rule_positions", _database);
        await Assert.ThrowsAsync<LeaseLostException>(() => a.Member.RoundAsync());
        Assert.Equal(positions, await postgres.Server.ExecuteAsync("SELECT string_agg(position::text, ',' ORDER BY partition) FROM rule_positions", _database));

        await DriveAsync(b, () => true);
        await AssertSameAsOneEngineAsync(messages, [a, b]);
    }

    [Fact]
    public async Task The_whole_input_appended_twice_changes_nothing()
    {
        List<RuleInput[]> messages = Messages(seed: 11);
        SharedGateway a = await GatewayAsync("a");
        SharedGateway b = await GatewayAsync("b");
        await AppendAsync(a, messages.Where((_, i) => i % 2 == 0));
        await AppendAsync(b, messages.Where((_, i) => i % 2 == 1));
        await a.Member.RebalanceAsync();
        await b.Member.RebalanceAsync();
        await a.Member.RebalanceAsync();
        await b.Member.RebalanceAsync();
        await Task.WhenAll(DriveAsync(a, () => true), DriveAsync(b, () => true));
        object? rows = await postgres.Server.ExecuteAsync("SELECT COUNT(*) FROM rule_inputs", _database);
        IReadOnlyList<Alert> before = await a.Pg.ListAlertsAsync(new AlertQuery(Limit: int.MaxValue));
        int notified = a.Sink.Seen.Count + b.Sink.Seen.Count;

        // Replayed whole, by the other gateway and in other batches (a spool replay after a crash, a tag resending its backlog).
        Assert.Equal(0, await b.Log.AppendAsync([.. messages.Where((_, i) => i % 2 == 0).SelectMany(m => m)]));
        Assert.Equal(0, await a.Log.AppendAsync([.. messages.SelectMany(m => m)]));
        await Task.WhenAll(DriveAsync(a, () => true), DriveAsync(b, () => true));

        Assert.Equal(rows, await postgres.Server.ExecuteAsync("SELECT COUNT(*) FROM rule_inputs", _database));
        Assert.Equal(before, await a.Pg.ListAlertsAsync(new AlertQuery(Limit: int.MaxValue)));
        Assert.Equal(notified, a.Sink.Seen.Count + b.Sink.Seen.Count);
        await AssertSameAsOneEngineAsync(messages, [a, b]);
    }

    [Fact]
    public async Task Appends_become_visible_in_seq_order_so_a_reader_never_skips_one()
    {
        // Four appenders on one partition's containers at once, a reader following: every row below the position it read
        // up to must have been read (a sequence or identity column would let a later seq commit first and be skipped).
        var log = new SharedRuleLog(ConnectionString, 1);
        await log.EnsureAsync();
        var seen = new HashSet<long>();
        long position = 0;
        bool done = false;
        Task[] appenders = [.. Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (int b = 0; b < 20; b++)
            {
                await log.AppendAsync([.. Enumerable.Range(0, 5).Select(i =>
                    RuleInput.Reading(new ContainerKey(Fleet, $"C{w}"), "t", 1, (uint)(b * 5 + i), T0.ToUnixTimeMilliseconds() + (b * 5 + i) * 1000, 5))]);
            }
        }))];
        Task all = Task.WhenAll(appenders).ContinueWith(_ => Volatile.Write(ref done, true));
        var rows = new List<LogRow>();
        while (true)
        {
            bool last = Volatile.Read(ref done);
            rows.Clear();
            Dictionary<int, long> read = await log.ReadAsync([(0, position)], 13, rows);
            long before = position;
            if (read.TryGetValue(0, out long to)) position = to;
            object? missing = await postgres.Server.ExecuteAsync(
                $"SELECT COUNT(*) FROM rule_inputs WHERE seq > {before} AND seq <= {position}", _database);
            Assert.Equal((long)rows.Count, missing);
            if (last && rows.Count == 0) break;
        }
        await all;
        Assert.Equal(400L, await postgres.Server.ExecuteAsync("SELECT COUNT(*) FROM rule_inputs", _database));
        Assert.Equal(400L, position);
        await log.DisposeAsync();
    }

    [Fact]
    public async Task A_save_through_the_log_writes_and_prunes_the_windows_chunks_with_the_states()
    {
        // Shared mode saves through SharedRuleLog.SaveAsync (fenced, with the positions), not the store's SaveStatesAsync:
        // the windows' chunks (snapshot format 6) must go the same way, in the same transaction.
        await using var log = new SharedRuleLog(ConnectionString, Partitions);
        await log.EnsureAsync();
        var epochs = new Dictionary<int, long>();
        for (int p = 0; p < Partitions; p++) epochs[p] = (await log.TakeOverAsync(p, "me")).Epoch;
        await using PostgresRuleStore store = await PostgresRuleStore.OpenAsync(ConnectionString);
        ContainerKey box = new(Fleet, "C1"), other = new(Fleet, "C2");
        WindowChunk Chunk(string tag, long number, byte value) => new(tag, number, new[] { value });
        async Task<string[]> ChunksOf(ContainerKey c) =>
            [.. (await store.LoadStateAsync(c))!.Chunks.OrderBy(x => x.Tag, StringComparer.Ordinal).ThenBy(x => x.Number).Select(x => $"{x.Tag}/{x.Number}:{x.Samples.Span[0]}")];

        await log.SaveAsync([
            new ContainerSnapshot(box, new byte[] { 1 }) { Chunks = new[] { Chunk("a", 3, 1), Chunk("a", 4, 2), Chunk("b", 0, 3) } },
            new ContainerSnapshot(other, new byte[] { 2 }) { Chunks = new[] { Chunk("a", 3, 4) } },
        ], [], p => epochs[p]);
        Assert.Equal(["a/3:1", "a/4:2", "b/0:3"], await ChunksOf(box));

        await log.SaveAsync([new ContainerSnapshot(box, new byte[] { 5 })
        {
            Ranges = new[] { new ChunkRange("a", 4, 5), new ChunkRange("b", 0, -1) }, Chunks = new[] { Chunk("a", 4, 6), Chunk("a", 5, 7) },
        }], [], p => epochs[p]);
        Assert.Equal(new byte[] { 5 }, (await store.LoadStateAsync(box))!.State);
        Assert.Equal(["a/4:6", "a/5:7"], await ChunksOf(box));
        Assert.Equal(["a/3:4"], await ChunksOf(other));

        // Fenced: a partition taken over since writes nothing, chunks included.
        int partition = RulePartitioner.PartitionOf(box, Partitions);
        await log.TakeOverAsync(partition, "another");
        await Assert.ThrowsAsync<LeaseLostException>(() => log.SaveAsync(
            [new ContainerSnapshot(box, new byte[] { 9 }) { Ranges = new[] { new ChunkRange("a", 9, 9) }, Chunks = new[] { Chunk("a", 9, 9) } }], [], p => epochs[p]));
        Assert.Equal(["a/4:6", "a/5:7"], await ChunksOf(box));
    }

    [Fact]
    public async Task A_gateway_with_another_partition_count_does_not_start()
    {
        await using var first = new SharedRuleLog(ConnectionString, Partitions);
        await first.EnsureAsync();
        await using var other = new SharedRuleLog(ConnectionString, 16);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => other.EnsureAsync());
        Assert.Contains("Rules:Shared:Partitions is 16, but the shared rule store was set up with 8", e.Message);
    }

    [Fact]
    public async Task A_lease_is_free_the_moment_its_holders_session_ends()
    {
        SharedGateway a = await GatewayAsync("a");
        SharedGateway b = await GatewayAsync("b");
        await a.Member.RebalanceAsync();
        await b.Member.RebalanceAsync();
        Assert.Equal(Partitions, a.Ownership.Count);
        Assert.Equal(0, b.Ownership.Count);
        long epoch = a.Ownership.Get(0)!.Epoch;

        await postgres.Server.ExecuteAsync($"SELECT pg_terminate_backend({a.Member.LeaseProcessId})", _database);
        await WaitUntilAsync(async () =>
        {
            await b.Member.RebalanceAsync();
            return b.Ownership.Count == Partitions;
        });
        Assert.Equal(epoch + 1, b.Ownership.Get(0)!.Epoch);
        Assert.Equal("b", await postgres.Server.ExecuteAsync("SELECT owner FROM rule_positions WHERE partition = 0", _database));
    }

    // ---- helpers

    private static async Task AppendAsync(SharedGateway g, IEnumerable<RuleInput[]> messages)
    {
        foreach (RuleInput[][] chunk in messages.Chunk(3)) await g.Log.AppendAsync([.. chunk.SelectMany(m => m)]);
    }

    /// <summary>Rebalances now and then and evaluates rounds until the feeds are done and every partition's log is evaluated.</summary>
    private async Task DriveAsync(SharedGateway g, Func<bool> feedsDone)
    {
        DateTime deadline = DateTime.UtcNow.AddMinutes(2);
        for (int i = 0; ; i++)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{g.Member.Name} did not catch up");
            if (i % 4 == 0) await g.Member.RebalanceAsync();
            if (await g.Member.RoundAsync() > 0) continue;
            if (feedsDone() && await BehindAsync() == 0) return;
            await Task.Delay(5);
        }
    }

    private async Task<long> BehindAsync() => (long)(await postgres.Server.ExecuteAsync("""
        SELECT COUNT(*) FROM rule_positions p
        WHERE p.position < COALESCE((SELECT MAX(seq) FROM rule_inputs r WHERE r.partition = p.partition), 0)
        """, _database))!;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in 30 s");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The store's excursions and alerts equal those of one engine on the in-memory store fed every message in order; every
    /// alert raised (notified) exactly once over all gateways.
    /// </summary>
    private async Task AssertSameAsOneEngineAsync(List<RuleInput[]> messages, IReadOnlyList<SharedGateway> gateways)
    {
        var store = new InMemoryRuleStore();
        await store.PutProfileAsync(Profile);
        await store.AssignProfileAsync(ContainerKey.DefaultOf(Fleet), Profile.Name);
        var one = new RuleEngine(store, [], Options.Create(new RulesOptions()), _time);
        foreach (RuleInput[] m in messages) await one.ProcessAsync(m);

        PostgresRuleStore shared = gateways[0].Pg;
        foreach (ContainerKey c in messages.SelectMany(m => m).Select(i => i.Container).Distinct())
        {
            IReadOnlyList<Excursion> want = await store.ListExcursionsAsync(c, DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
            IReadOnlyList<Excursion> got = await shared.ListExcursionsAsync(c, DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
            Assert.NotEmpty(want);
            string[] wantExcursions = [.. want.Select(Describe)], gotExcursions = [.. got.Select(Describe)];
            Assert.True(wantExcursions.SequenceEqual(gotExcursions),
                $"{c}: excursions differ\nexpected:\n  {string.Join("\n  ", wantExcursions)}\nfound:\n  {string.Join("\n  ", gotExcursions)}");
        }

        IReadOnlyList<Alert> expected = await store.ListAlertsAsync(new AlertQuery(Limit: int.MaxValue));
        IReadOnlyList<Alert> actual = await shared.ListAlertsAsync(new AlertQuery(Limit: int.MaxValue));
        Assert.Contains(expected, a => a.Kind == "shock");
        Assert.Contains(expected, a => a.Kind == "temp_high");
        Assert.Contains(expected, a => a.Kind == "temp_low");
        string[] wantAlerts = [.. expected.Select(Describe).Order()], gotAlerts = [.. actual.Select(Describe).Order()];
        Assert.True(wantAlerts.SequenceEqual(gotAlerts), $"{wantAlerts.Length} alerts expected, {gotAlerts.Length} found; only expected: {string.Join("; ", wantAlerts.Except(gotAlerts))}\nonly found: {string.Join("; ", gotAlerts.Except(wantAlerts))}");

        List<long> raised = [.. gateways.SelectMany(g => g.Sink.Of(AlertTransition.Raised)).Select(n => n.Alert.Id)];
        Assert.Equal(actual.Select(a => a.Id).Order(), raised.Order());
    }

    private static string Describe(Excursion e) =>
        $"{e.Container} {e.Band} {e.Start:O} {e.End:O} {e.Peak} {e.Duration}";

    private static string Describe(Alert a) =>
        $"{a.Container} {a.Tag} {a.Kind} {a.Band} {a.Since:O} {a.State}";

    /// <summary>
    /// Six containers, one or two tags each, 150 readings per tag every 5 minutes (a random walk across 2..8 C) in messages of
    /// 1-6 readings, and shock events; all in device-time order.
    /// </summary>
    private static List<RuleInput[]> Messages(int seed)
    {
        var random = new Random(seed);
        var messages = new List<(long At, RuleInput[] Inputs)>();
        for (int c = 0; c < 6; c++)
        {
            var container = new ContainerKey(Fleet, $"CSQU{305438 + c:D7}");
            for (int t = 0; t < 1 + (c % 2); t++)
            {
                string tag = $"tag{t}";
                double temp = 5;
                uint eventSeq = 0;
                for (int seq = 0; seq < 150;)
                {
                    int n = Math.Min(1 + random.Next(6), 150 - seq);
                    var readings = new RuleInput[n];
                    for (int i = 0; i < n; i++, seq++)
                    {
                        temp = Math.Clamp(temp + ((random.NextDouble() - 0.5) * 2.4), -2, 12);
                        readings[i] = RuleInput.Reading(container, tag, 1, (uint)seq, T0.AddMinutes(seq * 5).ToUnixTimeMilliseconds(), Math.Round(temp, 2));
                    }
                    messages.Add((readings[0].TimeMs, readings));
                    if (random.Next(8) == 0)
                    {
                        long at = readings[^1].TimeMs + 1000;
                        messages.Add((at, [RuleInput.Shock(container, tag, 1, eventSeq++, at, Math.Round(1 + (random.NextDouble() * 5), 2))]));
                    }
                }
            }
        }
        return [.. messages.OrderBy(m => m.At).Select(m => m.Inputs)];
    }
}
