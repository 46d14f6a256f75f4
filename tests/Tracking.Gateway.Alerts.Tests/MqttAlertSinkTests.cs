using System.Text;
using System.Text.Json;
using Tracking.Gateway.Alerts.Mqtt;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Store;
using Tracking.Mqtt;
using Tracking.Testing;
using Tracking.Testing.Schema;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>The MQTT sink against a real mosquitto: the 4.5 event exactly, the retained summary kept and cleared.</summary>
public class MqttAlertSinkTests
{
    private const string EventTopic = "tracking/v1/fleet1/CSQU3054383/alert";
    private const string OpenTopic = "tracking/v1/fleet1/CSQU3054383/alerts";
    private static readonly SubsetSchemaValidator Schema = new(RepoPaths.Of("docs", "schema"));

    [Fact]
    public async Task Raise_publishes_the_4_5_event_and_a_retained_summary_that_resolve_clears()
    {
        await using MosquittoServer broker = await MosquittoServer.StartAsync(new MosquittoOptions { Persistence = false });
        await using var publisher = new MqttAlertPublisher(Options(broker, "gw-alerts"));
        await using var sink = new MqttAlertSink(publisher);
        await using MqttClient watcher = await SubscribeAsync(broker, "watcher", "tracking/v1/fleet1/CSQU3054383/+");

        Alert alert = Alerts.TempHigh();
        await sink.PublishAsync(Alerts.Raised(alert), CancellationToken.None);

        MqttMessage raised = await NextAsync(watcher, EventTopic);
        Assert.False(raised.Retain);
        Assert.Equal(MqttQos.AtLeastOnce, raised.Qos);
        Assert.Equal(
            """{"v":1,"id":"fleet1.CSQU3054383.tag7.temp_high.temp_c_upper_8.1732600123456","ts":1732600723456,"kind":"temp_high","state":"raised","tag":"tag7","value":9.3,"limit":8,"since":1732600123456,"msg":"temperature at or above 8 degC for 10 min"}""",
            Encoding.UTF8.GetString(raised.Payload.Span));
        Assert.Empty(Schema.Validate("alert.schema.json", Encoding.UTF8.GetString(raised.Payload.Span)));

        // A client that connects later gets the summary from the broker: it is retained.
        await Alerts.EventuallyAsync(() => sink.Outbox.Processed == 1, "the raise to be published");
        await using (MqttClient late = await SubscribeAsync(broker, "late", OpenTopic))
        {
            MqttMessage summary = await NextAsync(late, OpenTopic);
            Assert.True(summary.Retain);
            Assert.Empty(Schema.Validate("alerts.schema.json", Encoding.UTF8.GetString(summary.Payload.Span)));
            using JsonDocument doc = JsonDocument.Parse(summary.Payload);
            JsonElement open = Assert.Single(doc.RootElement.GetProperty("open").EnumerateArray());
            Assert.Equal(alert.Key, open.GetProperty("id").GetString());
            Assert.Equal("open", open.GetProperty("state").GetString());
            Assert.Equal("alarm", open.GetProperty("severity").GetString());
            Assert.Equal("tag7", open.GetProperty("tag").GetString());
        }

        await sink.PublishAsync(Alerts.Resolved(alert), CancellationToken.None);
        MqttMessage cleared = await NextAsync(watcher, EventTopic);
        using (JsonDocument doc = JsonDocument.Parse(cleared.Payload))
        {
            Assert.Equal("cleared", doc.RootElement.GetProperty("state").GetString());
            Assert.Equal(alert.Key, doc.RootElement.GetProperty("id").GetString());
            Assert.Equal(1732601000000, doc.RootElement.GetProperty("ts").GetInt64());
        }
        MqttMessage emptied = await NextAsync(watcher, OpenTopic);
        Assert.Equal(0, emptied.Payload.Length);

        // Nothing retained any more: a new subscriber gets no summary.
        await Alerts.EventuallyAsync(() => sink.Outbox.Processed == 2, "the resolve to be published");
        await using MqttClient after = await SubscribeAsync(broker, "after", OpenTopic);
        using var none = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await after.Messages.ReadAsync(none.Token));
    }

    [Fact]
    public async Task An_acknowledgement_is_no_event_but_shows_in_the_summary_and_the_store_seeds_it()
    {
        await using MosquittoServer broker = await MosquittoServer.StartAsync(new MosquittoOptions { Persistence = false });
        await using var publisher = new MqttAlertPublisher(Options(broker, "gw-alerts"));
        var store = new InMemoryRuleStore();
        // Opened before this sink started (a restart): the store has it, the sink has not seen it.
        (Alert older, _) = await store.OpenAlertAsync(Alerts.TempHigh(tag: "tag8") with { Id = 0 });
        await using var sink = new MqttAlertSink(publisher, store);
        await using MqttClient watcher = await SubscribeAsync(broker, "watcher", "tracking/v1/fleet1/CSQU3054383/+");

        (Alert alert, _) = await store.OpenAlertAsync(Alerts.TempHigh() with { Id = 0 });
        Alert acked = alert with { State = AlertState.Acknowledged, AcknowledgedBy = "ops", AcknowledgedAt = alert.RaisedAt.AddMinutes(1) };
        await store.UpdateAlertAsync(acked);
        await sink.PublishAsync(new AlertNotification(AlertTransition.Acknowledged, acked, acked.AcknowledgedAt!.Value), CancellationToken.None);

        MqttMessage first = await NextAsync(watcher, null);
        Assert.Equal(OpenTopic, first.Topic);
        using JsonDocument doc = JsonDocument.Parse(first.Payload);
        JsonElement[] open = [.. doc.RootElement.GetProperty("open").EnumerateArray()];
        Assert.Equal(2, open.Length);
        JsonElement ack = Assert.Single(open, o => o.GetProperty("id").GetString() == alert.Key);
        Assert.Equal("acknowledged", ack.GetProperty("state").GetString());
        Assert.Equal("ops", ack.GetProperty("by").GetString());
        Assert.Contains(open, o => o.GetProperty("id").GetString() == older.Key);
    }

    private static MqttClientOptions Options(MosquittoServer broker, string clientId) => new()
    {
        Host = broker.Host, Port = broker.Port, ClientId = clientId,
    };

    private static async Task<MqttClient> SubscribeAsync(MosquittoServer broker, string clientId, string filter)
    {
        var client = new MqttClient(Options(broker, clientId));
        await client.ConnectAsync();
        await client.SubscribeAsync(filter);
        return client;
    }

    private static async Task<MqttMessage> NextAsync(MqttClient client, string? topic)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            MqttMessage message = await client.Messages.ReadAsync(timeout.Token);
            if (topic is null || message.Topic == topic) return message;
        }
    }
}
