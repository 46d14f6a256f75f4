using System.Buffers;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Shared;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using Tracking.Testing;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Prediction;

/// <summary>
/// Issue 12: predictive warnings go through the rule store's outbox and the one dispatcher, as alert changes do. The ramp
/// of <see cref="PredictiveWarningTests"/> (upper 8 C, 30 min delay, issued at minute 110, the alarm at minute 230, no
/// confirmation time, fitted at every reading).
/// </summary>
public sealed class WarningOutboxTests
{
    private static readonly RulesOptions Options = new() { PredictionConfirm = TimeSpan.Zero, PredictionRefit = TimeSpan.Zero };

    private static RuleInput[] Ramp(int from, int to) => [.. Enumerable.Range(from, to - from + 1).Select(i => R((uint)i, 4.0 + (0.1 * i)))];

    private static RuleEngine NewEngine(IRuleStore store, ManualTimeProvider time, IAlertSink[] sinks, IWarningSink[] warningSinks) =>
        new(store, sinks, Microsoft.Extensions.Options.Options.Create(Options), time, warningSinks: warningSinks);

    private static async Task<InMemoryRuleStore> StoreAsync()
    {
        var store = new InMemoryRuleStore();
        await store.PutProfileAsync(OneBand(Upper(8, delayMin: 30)));
        await store.AssignProfileAsync(Box, "test");
        return store;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(47)]
    public async Task A_warnings_end_comes_right_after_the_alarm_that_ended_it_and_its_issue_before_that_alarm(int batch)
    {
        // Reading by reading, or the whole ramp in one batch (a backlog after an outage): the same order either way. Before,
        // the warnings of a batch went out after all its alerts: issued after the alarm it warned of.
        var sink = new OrderSink();
        RuleEngine engine = NewEngine(await StoreAsync(), new ManualTimeProvider(T0), [sink], [sink]);
        RuleInput[] ramp = Ramp(0, 46);
        for (int i = 0; i < ramp.Length; i += batch) await engine.ProcessAsync(ramp[i..Math.Min(ramp.Length, i + batch)]);

        Assert.Equal(["warning Issued", "alert Raised", "warning Ended alarm_fired"], sink.Told);
    }

    [Fact]
    public async Task A_refused_warning_stays_owed_for_that_sink_and_goes_to_it_later_and_to_the_other_sink_once()
    {
        InMemoryRuleStore store = await StoreAsync();
        var refusing = new RefusingSink();
        var other = new OrderSink();
        var time = new ManualTimeProvider(T0);
        RuleEngine engine = NewEngine(store, time, [refusing, other], [refusing, other]);

        await engine.ProcessAsync(Ramp(0, 22)); // issued at reading 22
        Assert.Equal(["warning Issued"], other.Told);
        Assert.Empty(refusing.Told);
        AlertEvent owed = Assert.Single(await store.ListAlertEventsAsync(10));
        Assert.Equal(WarningTransition.Issued, owed.Warning!.Transition);

        // Still refusing at the timer's round: still owed, for it alone.
        await engine.ProcessAsync(Ramp(23, 25));
        await engine.CheckTimersAsync();
        Assert.Single(await store.ListAlertEventsAsync(10));
        Assert.Equal(2, refusing.Refusals);

        // It takes notifications again: the timer's round hands it the warning, the other sink does not get it twice.
        refusing.Refuse = false;
        await engine.CheckTimersAsync();
        Assert.Empty(await store.ListAlertEventsAsync(10));
        Assert.Equal(["warning Issued"], refusing.Told);
        Assert.Equal(owed.Warning, refusing.Warnings.Single());
        Assert.Equal(["warning Issued"], other.Told);

        // What follows reaches both, in order.
        await engine.ProcessAsync(Ramp(26, 46));
        Assert.Equal(["warning Issued", "alert Raised", "warning Ended alarm_fired"], refusing.Told);
        Assert.Equal(refusing.Told, other.Told);
    }

    [Fact]
    public async Task A_restart_goes_on_with_the_warnings_in_force_and_tells_none_again()
    {
        InMemoryRuleStore store = await StoreAsync();
        var time = new ManualTimeProvider(T0);
        var sink = new OrderSink();
        RuleEngine engine = NewEngine(store, time, [sink], [sink]);
        await engine.ProcessAsync(Ramp(0, 30));
        PredictiveWarning before = Assert.Single(await engine.WarningsAsync(Box));

        // A restart (the state saved after the batch): the warning is in force at once, under its issue time, and not
        // issued again. Before, it was derived anew at the window's newest reading and told a second time.
        var again = NewEngine(store, time, [sink], [sink]);
        await again.LoadAsync();
        Assert.Equal(before, Assert.Single(await again.WarningsAsync(Box)));
        await again.ProcessAsync(Ramp(31, 46));
        Assert.Equal(["warning Issued", "alert Raised", "warning Ended alarm_fired"], sink.Told);
        Assert.Equal(T0.AddMinutes(110), sink.Warnings[1].Warning.IssuedAt); // the end is the same warning's
    }

    [Fact]
    public async Task A_gateway_records_no_warning_of_a_container_it_does_not_own()
    {
        // Shared mode: the API reads a container another gateway owns from its saved state. A state saved without its
        // warnings (before they were kept: snapshot format 4) derives them anew at the window's newest reading; the owner
        // records its container's warnings, this gateway must not (here at its next batch, of a container of its own).
        InMemoryRuleStore store = await StoreAsync();
        var time = new ManualTimeProvider(T0);
        await NewEngine(store, time, [], []).ProcessAsync(Ramp(0, 30));
        Assert.True(SnapshotCodec.TryRead((await store.LoadStateAsync(Box))!, out ContainerState saved));
        foreach (StreamState st in saved.Streams.Values) st.Prediction = null;
        var buffer = new ArrayBufferWriter<byte>();
        SnapshotCodec.Write(buffer, saved);
        await store.SaveStateAsync(Box, buffer.WrittenMemory);
        Assert.Empty(await store.ListAlertEventsAsync(10));

        var sink = new OrderSink();
        var ownOther = new RuleEngine(store, [sink], Microsoft.Extensions.Options.Options.Create(Options), time, warningSinks: [sink],
            ownership: new OwnsOnly(Other));
        Assert.Single(await ownOther.WarningsAsync(Box));
        await ownOther.ProcessAsync([RuleInput.Reading(Other, Tag, 1, 0, Ms(0), 5, double.NaN)]);
        Assert.Empty(await store.ListAlertEventsAsync(10));
        Assert.Empty(sink.Told);
    }

    private static readonly ContainerKey Other = new("acme", "MSCU1234565");

    private sealed class OwnsOnly(ContainerKey owned) : IContainerOwnership
    {
        public bool Owns(ContainerKey container) => container == owned;
    }

    /// <summary>Every alert change and warning in the one order the sink was told them.</summary>
    private class OrderSink : IAlertSink, IWarningSink
    {
        private readonly List<string> _told = [];
        private readonly List<WarningNotification> _warnings = [];

        public IReadOnlyList<string> Told => [.. _told];

        public IReadOnlyList<WarningNotification> Warnings => [.. _warnings];

        public virtual ValueTask PublishAsync(AlertNotification notification, CancellationToken ct)
        {
            _told.Add($"alert {notification.Transition}");
            return ValueTask.CompletedTask;
        }

        public virtual ValueTask PublishWarningAsync(WarningNotification notification, CancellationToken ct)
        {
            _told.Add($"warning {notification.Transition}" + (notification.Reason is { } reason ? " " + reason : ""));
            _warnings.Add(notification);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Refuses warnings (throws, as a full queue does) while <see cref="Refuse"/> holds.</summary>
    private sealed class RefusingSink : OrderSink
    {
        public bool Refuse { get; set; } = true;

        public int Refusals { get; private set; }

        public override ValueTask PublishWarningAsync(WarningNotification notification, CancellationToken ct)
        {
            if (!Refuse) return base.PublishWarningAsync(notification, ct);
            Refusals++;
            return ValueTask.FromException(new InvalidOperationException("queue full"));
        }
    }
}
