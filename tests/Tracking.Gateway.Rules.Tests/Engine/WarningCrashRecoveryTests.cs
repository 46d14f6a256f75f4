using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using Tracking.Testing;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// Issue 12, predictive warnings through the store's outbox: a warning issued (and ended by the alarm it predicted), the
/// gateway dying at any write of the run (a warning recorded but not the state past its reading, or the reverse; recorded
/// but not yet taken by the sinks), then a restart that loads the saved states and replays the batch that failed, must
/// tell each warning's issue and end exactly once, the same warning (its issue time, its key) as a run without the crash,
/// and in order with the alarm. Before, the engine handed warnings straight to the sinks after the batch: a crash before
/// that lost them, and a restart issued the warnings in force a second time. Memory and a real SQLite file.
/// </summary>
public sealed class WarningCrashRecoveryTests
{
    private static readonly Profile Warned = new() { Name = "warned", Bands = [Upper(8, delayMin: 30)] };

    // Refit every 10 min and 15 min to confirm: the warning's pending start and fit times must outlive a restart too.
    private static readonly RulesOptions Options = new() { PredictionConfirm = TimeSpan.FromMinutes(15), PredictionRefit = TimeSpan.FromMinutes(10) };

    /// <summary>4.0 + 0.1 i: the alarm (8.0 from minute 200, 30 min delay) fires at reading 46; predicted from minute 110.</summary>
    private static RuleInput[] Ramp(int from, int to) => [.. Enumerable.Range(from, to - from + 1).Select(i => R((uint)i, 4.0 + (0.1 * i)))];

    /// <summary>The run: each step a spool batch (its states saved when it returns) or a timer tick.</summary>
    private static readonly Func<RuleEngine, Task>[] Steps =
    [
        e => e.ProcessAsync(Ramp(0, 20)),
        e => e.ProcessAsync(Ramp(21, 23)), // the prediction starts holding (minute 110): confirming
        e => e.ProcessAsync(Ramp(24, 27)), // issued (minute 125)
        e => e.ProcessAsync(Ramp(28, 40)),
        e => e.ProcessAsync(Ramp(41, 47)), // the alarm fires at minute 230 and ends the warning
        e => e.CheckTimersAsync(),
    ];

    public static TheoryData<string> Stores => ["memory", "sqlite"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_crash_at_any_write_then_a_replay_tells_each_warning_exactly_once(string kind)
    {
        Run expected = await RunAsync(kind, crashAt: 0, after: false);
        Assert.True(expected.Writes >= 8, $"the script writes {expected.Writes} times");
        Assert.Equal(["warning Issued", "alert Raised", "warning Ended alarm_fired"], expected.Order);

        int dispatches = 0, records = 0;
        for (int k = 1; k <= expected.Writes; k++)
        {
            foreach (bool after in (bool[])[false, true])
            {
                Run run = await RunAsync(kind, k, after);
                if (run.Dispatch && after) dispatches++;
                if (run.Record) records++;
                string where = $"crash {(after ? "after" : "before")} {(run.Dispatch ? "dispatch round" : run.Record ? "warning record" : "write")} {k} of {expected.Writes}";
                // The same warning (key: its issue time) and alarm as the run without the crash, each told at least once...
                foreach (((string transition, string key), int count) in expected.Notes)
                {
                    int got = run.Notes.GetValueOrDefault((transition, key));
                    Assert.True(got >= count, $"{where}: {transition} of {key} told {got} times, expected {count}");
                }
                Assert.True(run.Notes.Keys.All(expected.Notes.ContainsKey),
                    $"{where}: told {string.Join("; ", run.Notes.Keys)}, expected {string.Join("; ", expected.Notes.Keys)}");
                // ...and exactly once, but for a dispatch round that died after the sinks took it (at least once).
                int extra = run.Notes.Sum(n => n.Value - expected.Notes.GetValueOrDefault(n.Key));
                Assert.True(extra == 0 || (run.Dispatch && after), $"{where}: {extra} notifications told twice");
                Assert.True(extra <= 1, $"{where}: {extra} notifications told twice (the script's rounds hold one each)");
                // In order: the issue before the alarm, the end right after it (a repeat aside).
                Assert.True(expected.Order.SequenceEqual(run.Order.Distinct()), $"{where}: told in the order {string.Join(", ", run.Order)}");
                Assert.Equal(0, run.OwedLeft); // and nothing is owed at the end
            }
        }
        Assert.True(dispatches >= 4, $"only {dispatches} dispatch rounds crashed at");
        Assert.Equal(4, records); // two records (issue, end), each crashed at before and after
    }

    private sealed record Run(Dictionary<(string, string), int> Notes, List<string> Order, int Writes, bool Dispatch, bool Record, int OwedLeft);

    /// <summary>
    /// Runs <see cref="Steps"/>; at write <paramref name="crashAt"/> the gateway dies, and a new engine on the same data
    /// loads its state and repeats the step that failed (the spool replays an unconfirmed batch; the timer ticks again).
    /// </summary>
    private static async Task<Run> RunAsync(string kind, int crashAt, bool after)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"rules-warn-crash-{Guid.NewGuid():N}");
        IRuleStore data = kind == "memory"
            ? new InMemoryRuleStore()
            : await SqliteRuleStore.OpenAsync(Path.Combine(directory, "rules.db"), TimeSpan.FromSeconds(10));
        try
        {
            await data.PutProfileAsync(Warned);
            await data.AssignProfileAsync(Box, Warned.Name);
            var time = new ManualTimeProvider(T0);
            var sink = new OrderSink();
            var crashing = new RecordCrashingStore(data, crashAt, after);
            RuleEngine engine = NewEngine(crashing, sink, time);
            await engine.LoadAsync();
            bool restarted = false;
            foreach (Func<RuleEngine, Task> step in Steps)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                try
                {
                    await step(engine);
                }
                catch (CrashException)
                {
                }
                if (crashing.Dead && !restarted)
                {
                    // The restart: what the dead engine held in memory is gone; the store remains; the step is repeated.
                    restarted = true;
                    engine = NewEngine(data, sink, time);
                    await engine.LoadAsync();
                    await step(engine);
                }
            }

            Dictionary<(string, string), int> notes = sink.Told.GroupBy(n => (n.What, n.Key)).ToDictionary(g => g.Key, g => g.Count());
            return new Run(notes, [.. sink.Told.Select(n => n.What)], crashing.Writes, crashing.CrashedInDispatch, crashing.CrashedInRecord,
                (await data.ListAlertEventsAsync(100)).Count);
        }
        finally
        {
            if (data is IAsyncDisposable disposable) await disposable.DisposeAsync();
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    private static RuleEngine NewEngine(IRuleStore store, OrderSink sink, ManualTimeProvider time) =>
        new(store, [sink], Microsoft.Extensions.Options.Options.Create(Options), time, warningSinks: [sink]);

    /// <summary>A <see cref="CrashingStore"/> that also says whether the write it died at was a warning's record.</summary>
    private sealed class RecordCrashingStore(IRuleStore inner, int crashAt, bool after) : DelegatingRuleStore(new CrashingStore(inner, crashAt, after))
    {
        private CrashingStore Crashing => (CrashingStore)Inner;

        public int Writes => Crashing.Writes;

        public bool Dead => Crashing.Dead;

        public bool CrashedInDispatch => Crashing.CrashedInDispatch;

        public bool CrashedInRecord { get; private set; }

        public override async Task<bool> RecordWarningAsync(WarningNotification notification, CancellationToken ct = default)
        {
            bool dying = !Crashing.Dead && Crashing.Writes + 1 == crashAt;
            CrashedInRecord |= dying;
            return await base.RecordWarningAsync(notification, ct);
        }
    }

    /// <summary>Every alert change and warning in the one order the sink was told them.</summary>
    private sealed class OrderSink : IAlertSink, IWarningSink
    {
        private readonly List<(string What, string Key)> _told = [];

        public IReadOnlyList<(string What, string Key)> Told
        {
            get
            {
                lock (_told) return [.. _told];
            }
        }

        public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct)
        {
            lock (_told) _told.Add(($"alert {notification.Transition}", notification.Alert.Key));
            return ValueTask.CompletedTask;
        }

        public ValueTask PublishWarningAsync(WarningNotification notification, CancellationToken ct)
        {
            string what = $"warning {notification.Transition}" + (notification.Reason is { } reason ? " " + reason : "");
            lock (_told) _told.Add((what, WarningNotification.KeyOf(notification.Warning)));
            return ValueTask.CompletedTask;
        }
    }
}
