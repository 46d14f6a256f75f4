using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Store;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.Rules;

/// <summary>
/// The rules save their state once per Rules:StateSaveInterval and the spool confirms only up to a save, on the real
/// spool and SQLite store. A crash between batches (state in memory lost) or between a save and its confirmation (records
/// replayed that the state already holds) ends with the same alerts and excursions as a run without a crash, every alert
/// raised (and notified) once.
/// </summary>
public sealed class RulesFeedCrashTests : IDisposable
{
    private const string Topic = "tracking/v1/acme/CSQU3054383/tag-1/telemetry";
    private static readonly ContainerKey Box = new("acme", "CSQU3054383");
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private const int Readings = 60;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "rules-crash-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _time = new(T0.AddDays(1));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    /// <summary>One reading per message every 5 min: 5 C, then 9 C (above pharma's 8 C for 2 h: an alarm after 30 min), then 5 C.</summary>
    private static double Temperature(int i) => i is >= 15 and < 39 ? 9.0 : 5.0;

    private static byte[] Record(int i)
    {
        long t = T0.AddMinutes(5 * i).ToUnixTimeMilliseconds();
        byte[] payload = System.Text.Encoding.UTF8.GetBytes(FormattableString.Invariant(
            $"{{\"v\":1,\"boot\":1,\"seq\":{i},\"t0\":{t},\"bat\":3.9,\"r\":[[0,{Temperature(i)},50,1013,0.1]]}}"));
        Assert.True(TrackingTopic.TryParse(Topic, strictContainerIds: true, out TrackingTopic topic, out Rejection rejection), rejection.Detail);
        var decoder = new MessageDecoder();
        Assert.True(decoder.TryDecode(topic, payload, t, out rejection), rejection.Detail);
        byte[] record = new byte[SpooledMessage.MaxSize(Topic, decoder.Message, payload.Length)];
        return record[..SpooledMessage.Write(record, t, Topic, decoder.Message, payload)];
    }

    private static void Spool(DiskSpool spool, int from, int to)
    {
        for (int i = from; i < to; i++) Assert.True(spool.TryAppend(Record(i)));
        Assert.True(spool.Commit());
    }

    private DiskSpool OpenSpool(string name) =>
        DiskSpool.Open(new SpoolOptions { Directory = Path.Combine(_dir, name) }, readers: [DiskSpool.WriterReader, RulesFeed.ReaderName]);

    /// <summary>A gateway's rules: a new engine on the SQLite file (as after a restart), its saved state loaded.</summary>
    private async Task<(SqliteRuleStore Store, RuleEngine Engine, RulesFeed Feed, RecordingAlertSink Sink)> StartRulesAsync(string name)
    {
        SqliteRuleStore store = await SqliteRuleStore.OpenAsync(Path.Combine(_dir, name, "rules.db"), TimeSpan.FromSeconds(5));
        // No collect delay: the stage's clock is this test's manual one, which only the saves advance.
        var options = Options.Create(new RulesOptions { DefaultProfile = "pharma_2_8", StateSaveInterval = TimeSpan.FromSeconds(1), FeedCollectDelay = TimeSpan.Zero });
        var sink = new RecordingAlertSink();
        var engine = new RuleEngine(store, [sink], options, _time);
        await engine.LoadAsync();
        return (store, engine, new RulesFeed(engine, options), sink);
    }

    private async Task<Task> RunAsync(DiskSpool spool, ISpoolConsumer feed, CancellationToken ct)
    {
        Task running = new ConsumerStage(spool, feed, strictContainerIds: true, NullLogger.Instance, _time).RunAsync(ct);
        await Task.Yield();
        return running;
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var end = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > end) Assert.Fail("timed out waiting until " + what);
            await Task.Delay(5);
        }
    }

    private static async Task<bool> HasSeen(RuleEngine engine, int readings)
    {
        var summary = await engine.SummaryAsync(Box);
        return summary.Count == 1 && summary[0].LastReading == T0.AddMinutes(5 * (readings - 1));
    }

    /// <summary>Advances the clock until the stage has saved and confirmed everything spooled.</summary>
    private async Task SavedAsync(DiskSpool spool) => await Eventually(() =>
    {
        _time.Advance(TimeSpan.FromMilliseconds(500));
        return Task.FromResult(spool.PendingRecordsOf(RulesFeed.ReaderName) == 0);
    }, "everything saved and confirmed");

    private static async Task StopAsync(CancellationTokenSource stop, Task running)
    {
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    private static async Task<string[]> OutcomeAsync(IRuleStore store)
    {
        IReadOnlyList<Alert> alerts = await store.ListAlertsAsync(new AlertQuery());
        IReadOnlyList<Excursion> excursions = await store.ListExcursionsAsync(Box, T0.AddDays(-1), T0.AddDays(2));
        return
        [
            .. alerts.Select(a => $"alert {a.Key} {a.Kind} since {a.Since:O} {a.State}").Order(StringComparer.Ordinal),
            .. excursions.Select(e => $"excursion {e.Band} {e.Start:O}-{e.End:O} peak {e.Peak}"),
        ];
    }

    /// <summary>
    /// A gateway started on the spool and store <paramref name="name"/> (as after a restart), fed the readings from
    /// <paramref name="from"/> to the end and stopped once everything is saved: the store's outcome, how many readings
    /// came too late for its windows, and what it notified.
    /// </summary>
    private async Task<(string[] Outcome, long TooLate, IReadOnlyList<AlertNotification> Notified)> RunToTheEndAsync(string name, int from)
    {
        using DiskSpool spool = OpenSpool(name);
        var rules = await StartRulesAsync(name);
        await using SqliteRuleStore store = rules.Store;
        using var stop = new CancellationTokenSource();
        Task running = await RunAsync(spool, rules.Feed, stop.Token);
        Spool(spool, from, Readings);
        await Eventually(() => HasSeen(rules.Engine, Readings), $"the run on {name} from reading {from} evaluated everything");
        await SavedAsync(spool);
        await StopAsync(stop, running);
        return (await OutcomeAsync(store), (await rules.Engine.SummaryAsync(Box))[0].TooLate, [.. rules.Sink.Seen]);
    }

    private async Task<string[]> ReferenceAsync()
    {
        var run = await RunToTheEndAsync("reference", 0);
        Assert.Equal(1, run.Notified.Count(n => n.Transition == AlertTransition.Raised));
        return run.Outcome;
    }

    [Fact]
    public async Task A_crash_between_batches_loses_nothing_and_raises_no_second_alert()
    {
        string[] reference = await ReferenceAsync();
        Assert.Contains(reference, line => line.StartsWith("alert ", StringComparison.Ordinal) && line.EndsWith(" Resolved", StringComparison.Ordinal));

        List<AlertNotification> notified = [];
        using (DiskSpool spool = OpenSpool("crash"))
        {
            var rules = await StartRulesAsync("crash");
            await using SqliteRuleStore store = rules.Store;
            using var stop = new CancellationTokenSource();
            Task running = await RunAsync(spool, rules.Feed, stop.Token);
            Spool(spool, 0, 12);
            await Eventually(() => HasSeen(rules.Engine, 12), "the first readings were evaluated");
            await SavedAsync(spool);

            // The excursion's alarm is raised from these, evaluated and never saved: the process dies before its save.
            Spool(spool, 12, 30);
            await Eventually(() => HasSeen(rules.Engine, 30), "the next readings were evaluated");
            Assert.Single(await store.ListAlertsAsync(new AlertQuery(State: AlertState.Open)));
            Assert.Equal(18, spool.PendingRecordsOf(RulesFeed.ReaderName));
            await StopAsync(stop, running);
            notified.AddRange(rules.Sink.Seen);
        }

        var restarted = await RunToTheEndAsync("crash", 30);
        notified.AddRange(restarted.Notified);
        Assert.Equal(reference, restarted.Outcome);

        Assert.Equal([AlertTransition.Raised, AlertTransition.Resolved], notified.Select(n => n.Transition));
    }

    [Fact]
    public async Task A_crash_between_a_save_and_its_confirmation_replays_what_the_state_holds_without_effect()
    {
        string[] reference = await ReferenceAsync();

        List<AlertNotification> notified = [];
        using (DiskSpool spool = OpenSpool("crash"))
        {
            var rules = await StartRulesAsync("crash");
            await using SqliteRuleStore store = rules.Store;
            using var stop = new CancellationTokenSource();
            var crashing = new CrashAfterSaveFeed(rules.Feed, stop);
            Task running = await RunAsync(spool, crashing, stop.Token);
            Spool(spool, 0, 30);
            await Eventually(() => HasSeen(rules.Engine, 30), "the readings were evaluated");
            await Eventually(() =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(500));
                return Task.FromResult(crashing.Saves == 1);
            }, "the state was saved");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
            Assert.Equal(30, spool.PendingRecordsOf(RulesFeed.ReaderName)); // saved, never confirmed
            notified.AddRange(rules.Sink.Seen);
        }

        var restarted = await RunToTheEndAsync("crash", 30);
        notified.AddRange(restarted.Notified);
        Assert.Equal(reference, restarted.Outcome);
        Assert.Equal(0, restarted.TooLate);

        Assert.Equal([AlertTransition.Raised, AlertTransition.Resolved], notified.Select(n => n.Transition));
    }
}
