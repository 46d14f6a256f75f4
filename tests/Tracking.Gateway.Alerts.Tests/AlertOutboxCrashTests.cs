using System.Text.Json;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Alerts.Mqtt;
using Tracking.Gateway.Alerts.Webhooks;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Mqtt;
using Tracking.Retry;
using Tracking.Testing;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>
/// Issue 12, end to end through a real mosquitto, a loopback webhook and a SQLite rule store: the gateway dies after an
/// alert is stored and before any sink heard of it (the gap the rule store's outbox closes); after the restart the
/// alert's raise reaches the MQTT alert topic and the webhook exactly once.
/// </summary>
public sealed class AlertOutboxCrashTests : IAsyncDisposable
{
    private const string EventTopic = "tracking/v1/fleet1/CSQU3054383/alert";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Backoff Fast = new(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100));
    private static readonly Profile Profile = new()
    {
        Name = "crash", Bands = [new Band { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 8 }],
    };

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"alerts-crash-{Guid.NewGuid():N}");

    private string SecretFile => Path.Combine(_directory, "secret");

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_gateway_dead_between_the_alert_write_and_its_notification_delivers_it_once_after_the_restart()
    {
        Directory.CreateDirectory(_directory);
        await File.WriteAllTextAsync(SecretFile, "s3cret-s3cret-s3cret\n");
        string outbox = Path.Combine(_directory, "outbox");
        await using MosquittoServer broker = await MosquittoServer.StartAsync(new MosquittoOptions { Persistence = false });
        await using var receiver = new WebhookReceiver();
        await using SqliteRuleStore store = await SqliteRuleStore.OpenAsync(Path.Combine(_directory, "rules.db"), TimeSpan.FromSeconds(10));
        await store.PutProfileAsync(Profile);
        await store.AssignProfileAsync(ContainerKey.DefaultOf("fleet1"), Profile.Name);
        await using MqttClient watcher = new(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "watcher" });
        await watcher.ConnectAsync();
        await watcher.SubscribeAsync(EventTopic);
        var time = new ManualTimeProvider(T0.AddHours(1));
        RuleInput[] batch = [Reading(0, 5), Reading(1, 9)];

        // First run: the store dies right after the alert is written (the process is killed there).
        await using (var publisher = new MqttAlertPublisher(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "gw-alerts" }))
        await using (var mqtt = new MqttAlertSink(publisher, store, spillDirectory: outbox))
        await using (WebhookAlertSink webhook = Webhook(receiver.Url, outbox))
        {
            var dying = new DiesAfterOpeningAnAlert(store);
            var engine = new RuleEngine(dying, [mqtt, webhook], Options.Create(new RulesOptions()), time);
            await Assert.ThrowsAsync<IOException>(() => engine.ProcessAsync(batch));
            Assert.Single(await store.ListAlertsAsync(new AlertQuery(Limit: 10)));
            Assert.Single(await store.ListAlertEventsAsync(10));
            Assert.Equal(0, mqtt.Outbox.Processed + mqtt.Outbox.Count);
        }
        Assert.Empty(receiver.Requests);

        // The restart: new sinks on the same outbox directory, a new engine on the same store; the spool replays the batch.
        await using (var publisher = new MqttAlertPublisher(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "gw-alerts" }))
        await using (var mqtt = new MqttAlertSink(publisher, store, spillDirectory: outbox))
        await using (WebhookAlertSink webhook = Webhook(receiver.Url, outbox))
        {
            var engine = new RuleEngine(store, [mqtt, webhook], Options.Create(new RulesOptions()), time);
            await engine.LoadAsync();
            await engine.ProcessAsync(batch);
            Alert alert = Assert.Single(await store.ListAlertsAsync(new AlertQuery(Limit: 10)));
            Assert.Empty(await store.ListAlertEventsAsync(10));

            MqttMessage raised = await NextAsync(watcher);
            using (JsonDocument doc = JsonDocument.Parse(raised.Payload))
            {
                Assert.Equal("raised", doc.RootElement.GetProperty("state").GetString());
                Assert.Equal(alert.Key, doc.RootElement.GetProperty("id").GetString());
            }
            await Alerts.EventuallyAsync(() => webhook.Targets[0].Delivered == 1, "the webhook delivery");
            await Alerts.EventuallyAsync(() => mqtt.Outbox.Processed == 1, "the MQTT delivery");
            await engine.CheckTimersAsync(); // a timer tick dispatches again: nothing is owed, nothing goes out twice
        }

        // Exactly once: nothing more on the topic, one POST.
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await watcher.Messages.ReadAsync(quiet.Token));
        (_, byte[] body) = Assert.Single(receiver.Requests);
        using JsonDocument posted = JsonDocument.Parse(body);
        Assert.Equal("raised", posted.RootElement.GetProperty("transition").GetString());
    }

    private WebhookAlertSink Webhook(string url, string outbox) =>
        new([new WebhookOptions { Url = url, SecretFile = SecretFile, Timeout = TimeSpan.FromSeconds(5) }], "urn:tracking:test", Fast, spillDirectory: outbox);

    private static RuleInput Reading(uint seq, double tempC) =>
        RuleInput.Reading(Alerts.Container, "tag7", 1, seq, T0.AddMinutes(5 * seq).ToUnixTimeMilliseconds(), tempC, double.NaN);

    private static async Task<MqttMessage> NextAsync(MqttClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await client.Messages.ReadAsync(timeout.Token);
    }

    /// <summary>Stores the first alert opened, then fails every call: the gateway died between that write and anything after it.</summary>
    private sealed class DiesAfterOpeningAnAlert(IRuleStore inner) : DelegatingRuleStore(inner)
    {
        private bool _dead;

        public override async Task<(Alert Alert, bool Created)> OpenAlertAsync(Alert alert, CancellationToken ct = default)
        {
            if (_dead) throw new IOException("dead");
            await Inner.OpenAlertAsync(alert, ct);
            _dead = true;
            throw new IOException("killed after the alert write");
        }

        public override Task<int> DispatchAlertEventsAsync(int limit,
            Func<IReadOnlyList<AlertEvent>, CancellationToken, Task<IReadOnlyCollection<long>>> deliver, CancellationToken ct = default) =>
            _dead ? throw new IOException("dead") : Inner.DispatchAlertEventsAsync(limit, deliver, ct);
    }
}
