using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Alerts.Mqtt;
using Tracking.Gateway.Alerts.Queueing;
using Tracking.Gateway.Alerts.Webhooks;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Retry;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>
/// Issue 12: a sink counts a notification (an alert change or a predictive warning) as taken (its <c>PublishAsync</c> or
/// <c>PublishWarningAsync</c> returns) only when it really has it, queued and journaled; a full queue or an unwritable
/// journal refuses it with an exception, so that the rules' real <see cref="AlertDispatcher"/> keeps it owed in the rule
/// store for that sink, and it goes out once the sink can take it, in its place.
/// </summary>
public sealed class SinkRefusalTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "alerts-refusal-" + Guid.NewGuid().ToString("N"));

    public SinkRefusalTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private string Journals => Path.Combine(_directory, "outbox");

    private static Task<(Alert Alert, bool Created)> OpenAsync(IRuleStore store, int n) => store.OpenAlertAsync(Alerts.TempHigh(id: 0, tag: "tag" + n));

    private static string Key(int n) => Alerts.TempHigh(tag: "tag" + n).Key;

    [Fact]
    public async Task A_stuck_sink_with_a_full_queue_refuses_the_next_notification_which_stays_owed_and_goes_out_once_after_it_drains()
    {
        var store = new InMemoryRuleStore();
        var broker = new GatedAlertPublisher(open: false);
        await using var mqtt = new MqttAlertSink(broker, queueCapacity: 2, spillDirectory: Journals);
        var other = new RecordingSink();
        var dispatcher = new AlertDispatcher(store, [mqtt, other], NullLogger.Instance);

        // The first notification is taken and its delivery hangs (the broker does not answer).
        await OpenAsync(store, 1);
        Assert.Equal(1, await dispatcher.DispatchAsync());
        await broker.Entered.Task.WaitAsync(TimeSpan.FromSeconds(5));

        // Two fill the queue; the third is refused: owed still, for the MQTT sink only.
        for (int n = 2; n <= 4; n++) await OpenAsync(store, n);
        Assert.Equal(2, await dispatcher.DispatchAsync());
        Assert.Equal([Key(4)], (await store.ListAlertEventsAsync(10)).Select(e => e.Notification!.Alert.Key));
        Assert.Equal((1, 2), (mqtt.Outbox.Refused, mqtt.Outbox.Count));

        // Later rounds while the broker still hangs: refused again, and the next one waits behind it (in order).
        await OpenAsync(store, 5);
        Assert.Equal(0, await dispatcher.DispatchAsync());
        Assert.Equal(0, await dispatcher.DispatchAsync());
        Assert.Equal([Key(4), Key(5)], (await store.ListAlertEventsAsync(10)).Select(e => e.Notification!.Alert.Key));
        Assert.Equal(3, mqtt.Outbox.Refused);

        // The broker answers: the queue drains, and the next round hands the sink what it refused.
        broker.Open();
        await Alerts.EventuallyAsync(() => mqtt.Outbox.Processed == 3, "the queue to drain");
        Assert.Equal(2, await dispatcher.DispatchAsync());
        Assert.Empty(await store.ListAlertEventsAsync(10));
        await Alerts.EventuallyAsync(() => mqtt.Outbox.Processed == 5, "the refused notifications' delivery");

        // Each exactly once, in order, at the broker (none of the queued ones dropped) and at the other sink.
        Assert.Equal([Key(1), Key(2), Key(3), Key(4), Key(5)], broker.EventIds());
        Assert.Equal([Key(1), Key(2), Key(3), Key(4), Key(5)], other.Keys());
        Assert.Equal(0, mqtt.Outbox.Failed);
        Assert.All(Directory.GetFiles(Journals), f => Assert.Equal(0, new FileInfo(f).Length)); // all delivered: the journal is cut
    }

    [Fact]
    public async Task A_full_queue_refuses_a_warning_which_stays_owed_and_goes_out_once_in_its_place_among_the_alert_changes()
    {
        var store = new InMemoryRuleStore();
        var broker = new GatedAlertPublisher(open: false);
        await using var mqtt = new MqttAlertSink(broker, queueCapacity: 2, spillDirectory: Journals);
        var other = new RecordingSink();
        var dispatcher = new AlertDispatcher(store, [mqtt, other], NullLogger.Instance, [mqtt, other]);

        // The first alert is taken and its delivery hangs; two alerts fill the queue, the warning after them is refused.
        await OpenAsync(store, 1);
        Assert.Equal(1, await dispatcher.DispatchAsync());
        await broker.Entered.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await OpenAsync(store, 2);
        await OpenAsync(store, 3);
        Assert.True(await store.RecordWarningAsync(Warning()));
        Assert.Equal(2, await dispatcher.DispatchAsync());
        Assert.Equal([WarningId], (await store.ListAlertEventsAsync(10)).Select(e => WarningNotification.KeyOf(e.Warning!.Warning)));
        Assert.Equal((1, 2), (mqtt.Outbox.Refused, mqtt.Outbox.Count));

        // The next alert change waits behind it for the MQTT sink (in order); the other sink takes it.
        await OpenAsync(store, 4);
        Assert.Equal(0, await dispatcher.DispatchAsync());
        Assert.Equal([WarningId, Key(4)], (await store.ListAlertEventsAsync(10)).Select(e => e.Notification?.Alert.Key ?? WarningNotification.KeyOf(e.Warning!.Warning)));

        // The broker answers: the queue drains and the next round hands the MQTT sink what it refused, once, in its place.
        broker.Open();
        await Alerts.EventuallyAsync(() => mqtt.Outbox.Processed == 3, "the queue to drain");
        Assert.Equal(2, await dispatcher.DispatchAsync());
        await Alerts.EventuallyAsync(() => mqtt.Outbox.Processed == 5, "the refused notifications' delivery");
        Assert.True(await store.RecordWarningAsync(Ended()));
        Assert.Equal(1, await dispatcher.DispatchAsync());
        Assert.Empty(await store.ListAlertEventsAsync(10));
        await Alerts.EventuallyAsync(() => mqtt.Outbox.Processed == 6, "the warning's end");
        Assert.Equal([(Key(1), "raised"), (Key(2), "raised"), (Key(3), "raised"), (WarningId, "warning"), (Key(4), "raised"), (WarningId, "warning_ended")],
            broker.Events());
        Assert.Equal([Key(1), Key(2), Key(3), WarningId, Key(4), WarningId], other.Keys());
    }

    [Fact]
    public async Task A_refused_notification_is_a_faulted_publish_naming_the_queue_and_the_reason()
    {
        var broker = new GatedAlertPublisher(open: false);
        await using var mqtt = new MqttAlertSink(broker, queueCapacity: 1);
        await mqtt.PublishAsync(Alerts.Raised(Alerts.TempHigh(id: 1, tag: "tag1")), CancellationToken.None);
        await broker.Entered.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await mqtt.PublishAsync(Alerts.Raised(Alerts.TempHigh(id: 2, tag: "tag2")), CancellationToken.None);

        AlertQueueRefusedException refused = await Assert.ThrowsAsync<AlertQueueRefusedException>(
            async () => await mqtt.PublishAsync(Alerts.Raised(Alerts.TempHigh(id: 3, tag: "tag3")), CancellationToken.None));

        Assert.Equal(("mqtt", AlertQueueRefusal.Full), (refused.Queue, refused.Reason));
        Assert.Contains("full", refused.Message, StringComparison.Ordinal);
        // A warning is refused the same way (issue 12: the rule store owes it too, and hands it over again).
        refused = await Assert.ThrowsAsync<AlertQueueRefusedException>(async () => await mqtt.PublishWarningAsync(Warning(), CancellationToken.None));
        Assert.Equal(AlertQueueRefusal.Full, refused.Reason);
        Assert.Equal((2, 1), (mqtt.Outbox.Refused, mqtt.Outbox.Count));
    }

    [Fact]
    public async Task A_journal_that_cannot_be_written_refuses_the_notification_and_it_goes_out_once_the_journal_works_again()
    {
        // The journal's path is taken by a directory: the journal cannot be opened (as with a read-only or full disk).
        string journal = Path.Combine(Journals, AlertOutbox<SinkItem>.SpillFileName("mqtt"));
        Directory.CreateDirectory(journal);
        var store = new InMemoryRuleStore();
        var broker = new GatedAlertPublisher(open: true);
        await using var mqtt = new MqttAlertSink(broker, spillDirectory: Journals);
        var other = new RecordingSink();
        var dispatcher = new AlertDispatcher(store, [mqtt, other], NullLogger.Instance, [mqtt]);

        await OpenAsync(store, 1);
        Assert.Equal(0, await dispatcher.DispatchAsync());
        Assert.Equal([Key(1)], (await store.ListAlertEventsAsync(10)).Select(e => e.Notification!.Alert.Key));
        Assert.Equal((1, 0), (mqtt.Outbox.Refused, mqtt.Outbox.Count));
        AlertQueueRefusedException refused = await Assert.ThrowsAsync<AlertQueueRefusedException>(
            async () => await mqtt.PublishAsync(Alerts.Raised(Alerts.TempHigh(id: 9, tag: "tag9")), CancellationToken.None));
        Assert.Equal(AlertQueueRefusal.JournalUnwritable, refused.Reason);
        Assert.IsAssignableFrom<IOException>(refused.InnerException);

        // A warning meanwhile is refused too (before, it was queued in memory only: a crash lost it), and stays owed.
        await Assert.ThrowsAsync<AlertQueueRefusedException>(async () => await mqtt.PublishWarningAsync(Warning(), CancellationToken.None));
        Assert.True(await store.RecordWarningAsync(Warning()));
        Assert.Equal(0, await dispatcher.DispatchAsync());
        Assert.Equal(2, (await store.ListAlertEventsAsync(10)).Count);

        // The journal works again: the next round's notifications are journaled, queued and delivered, in order; the
        // alert change to the other sink only once.
        Directory.Delete(journal);
        Assert.Equal(2, await dispatcher.DispatchAsync());
        Assert.Empty(await store.ListAlertEventsAsync(10));
        await Alerts.EventuallyAsync(() => mqtt.Outbox.Processed == 2, "the deliveries");
        Assert.Equal([(Key(1), "raised"), (WarningId, "warning")], broker.Events());
        Assert.Equal([Key(1)], other.Keys());
        await Alerts.EventuallyAsync(() => File.Exists(journal) && new FileInfo(journal).Length == 0, "the journal cut after the delivery");
    }

    [Fact]
    public async Task A_webhook_whose_queue_is_full_gets_the_refused_notification_and_the_warning_after_it_later_and_the_other_webhook_each_once()
    {
        string secret = Path.Combine(_directory, "secret");
        await File.WriteAllTextAsync(secret, "s3cret-s3cret-s3cret\n");
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hung = new WebhookReceiver(_ => release.Task);
        await using var healthy = new WebhookReceiver();
        await using var webhooks = new WebhookAlertSink(
            [
                new WebhookOptions { Url = hung.Url, SecretFile = secret, QueueCapacity = 1, Timeout = TimeSpan.FromSeconds(30) },
                new WebhookOptions { Url = healthy.Url, SecretFile = secret },
            ],
            "urn:tracking:test", new Backoff(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100)), spillDirectory: Journals);
        var store = new InMemoryRuleStore();
        // The sink as one: it takes a notification (an alert change, a warning) only when both webhooks did.
        var dispatcher = new AlertDispatcher(store, [webhooks], NullLogger.Instance, [webhooks]);

        await OpenAsync(store, 1);
        Assert.Equal(1, await dispatcher.DispatchAsync());
        await Alerts.EventuallyAsync(() => hung.Requests.Count == 1, "the first request to hang");
        await OpenAsync(store, 2);
        await OpenAsync(store, 3);
        Assert.Equal(1, await dispatcher.DispatchAsync()); // the third: the hung webhook's queue is full
        Assert.True(await store.RecordWarningAsync(Warning()));
        Assert.Equal(0, await dispatcher.DispatchAsync()); // the warning waits behind it
        await Alerts.EventuallyAsync(() => webhooks.Targets[1].Delivered == 3, "the healthy webhook's deliveries");

        release.SetResult(204);
        await Alerts.EventuallyAsync(() => webhooks.Targets[0].Delivered == 2, "the hung webhook to drain");
        // Its queue holds one: the warning may be refused again until the refused alert is on its way. Rounds until both went.
        int forgotten = 0;
        for (int round = 0; round < 100 && forgotten < 2; round++)
        {
            forgotten += await dispatcher.DispatchAsync();
            if (forgotten < 2) await Task.Delay(20);
        }
        Assert.Equal(2, forgotten);
        Assert.Empty(await store.ListAlertEventsAsync(10));
        await Alerts.EventuallyAsync(() => webhooks.Targets[0].Delivered == 4 && webhooks.Targets[1].Delivered == 4, "the rest at both webhooks");

        Assert.Equal([Key(1), Key(2), Key(3), WarningId], Ids(hung));
        Assert.Equal([Key(1), Key(2), Key(3), WarningId], Ids(healthy)); // once each: not again when the hung webhook took it
    }

    private static string[] Ids(WebhookReceiver receiver) =>
        [.. receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()!)];

    private static readonly PredictiveWarning Predicted = new()
    {
        Container = Alerts.Container, Tag = "tag7", Band = "temp_c_upper_8", Kind = "temp_high", Severity = Severity.Alarm, Limit = 8,
        PredictedBreach = DateTimeOffset.FromUnixTimeMilliseconds(1732605400000), PredictedAlarm = DateTimeOffset.FromUnixTimeMilliseconds(1732607200000),
        SlopePerHour = 1.2, Level = 6.2, Points = 19, Confidence = 1,
        IssuedAt = DateTimeOffset.FromUnixTimeMilliseconds(1732600000000), UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(1732600000000),
    };

    private static readonly string WarningId = WarningNotification.KeyOf(Predicted);

    private static WarningNotification Warning() => new(WarningTransition.Issued, Predicted, DateTimeOffset.FromUnixTimeMilliseconds(1732600001000));

    private static WarningNotification Ended() =>
        new(WarningTransition.Ended, Predicted, DateTimeOffset.FromUnixTimeMilliseconds(1732600061000), WarningNotification.TrendChanged);

    /// <summary>Alert changes (by key) and, registered as a warning sink too, warnings (by their key), in one order.</summary>
    private sealed class RecordingSink : IAlertSink, IWarningSink
    {
        private readonly ConcurrentQueue<string> _seen = new();

        public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct)
        {
            _seen.Enqueue(notification.Alert.Key);
            return ValueTask.CompletedTask;
        }

        public ValueTask PublishWarningAsync(WarningNotification notification, CancellationToken ct)
        {
            _seen.Enqueue(WarningNotification.KeyOf(notification.Warning));
            return ValueTask.CompletedTask;
        }

        public string[] Keys() => [.. _seen];
    }
}
