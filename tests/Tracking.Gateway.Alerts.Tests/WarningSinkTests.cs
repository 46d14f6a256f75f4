using System.Text;
using System.Text.Json;
using Tracking.Gateway.Alerts.Influx;
using Tracking.Gateway.Alerts.Mqtt;
using Tracking.Gateway.Alerts.Webhooks;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Influx;
using Tracking.Influx.Writing;
using Tracking.Mqtt;
using Tracking.Retry;
using Tracking.Testing;
using Tracking.Testing.Schema;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>
/// Predictive warnings through the sinks, against the real servers: an event on the alert topic (state warning and
/// warning_ended, never in the retained summary), points of measurement warning, and the project's webhook body (not DCSA).
/// </summary>
public sealed class WarningSinkTests : IDisposable
{
    private const long IssuedMs = 1732600000000;
    private static readonly SubsetSchemaValidator Schema = new(RepoPaths.Of("docs", "schema"));
    private readonly string _secretFile = Path.Combine(Path.GetTempPath(), "warn-secret-" + Guid.NewGuid().ToString("N"));

    public WarningSinkTests() => File.WriteAllText(_secretFile, "s3cret-s3cret-s3cret\n");

    public void Dispose() => File.Delete(_secretFile);

    private static PredictiveWarning Warning() => new()
    {
        Container = Alerts.Container, Tag = "tag7", Band = "temp_c_upper_8", Kind = "temp_high", Severity = Severity.Alarm, Limit = 8,
        PredictedBreach = DateTimeOffset.FromUnixTimeMilliseconds(IssuedMs + 5_400_000), PredictedAlarm = DateTimeOffset.FromUnixTimeMilliseconds(IssuedMs + 7_200_000),
        SlopePerHour = 1.2, Level = 6.2, Points = 19, Confidence = 1,
        IssuedAt = DateTimeOffset.FromUnixTimeMilliseconds(IssuedMs), UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(IssuedMs),
    };

    private static WarningNotification Issued() => new(WarningTransition.Issued, Warning(), DateTimeOffset.FromUnixTimeMilliseconds(IssuedMs + 1000));

    private static WarningNotification Ended() =>
        new(WarningTransition.Ended, Warning(), DateTimeOffset.FromUnixTimeMilliseconds(IssuedMs + 60_000), WarningNotification.TrendChanged);

    [Fact]
    public async Task On_mqtt_a_warning_is_an_event_on_the_alert_topic_and_not_in_the_retained_summary()
    {
        await using MosquittoServer broker = await MosquittoServer.StartAsync(new MosquittoOptions { Persistence = false });
        await using var publisher = new MqttAlertPublisher(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "gw-alerts" });
        await using var sink = new MqttAlertSink(publisher);
        await using var watcher = new MqttClient(new MqttClientOptions { Host = broker.Host, Port = broker.Port, ClientId = "watcher" });
        await watcher.ConnectAsync();
        await watcher.SubscribeAsync("tracking/v1/fleet1/CSQU3054383/+");

        await sink.PublishWarningAsync(Issued(), CancellationToken.None);
        await sink.PublishWarningAsync(Ended(), CancellationToken.None);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        MqttMessage first = await watcher.Messages.ReadAsync(timeout.Token);
        MqttMessage second = await watcher.Messages.ReadAsync(timeout.Token);
        Assert.All([first, second], m => Assert.Equal(("tracking/v1/fleet1/CSQU3054383/alert", false), (m.Topic, m.Retain)));
        string issued = Encoding.UTF8.GetString(first.Payload.Span);
        Assert.Empty(Schema.Validate("alert.schema.json", issued));
        Assert.Equal(
            """{"v":1,"id":"fleet1.CSQU3054383.tag7.temp_high.temp_c_upper_8.warn.1732600000000","ts":1732600001000,"kind":"temp_high","state":"warning","tag":"tag7","value":6.2,"limit":8,"since":1732600000000,"msg":"temp_c_upper_8: trend \u002B1.2 per hour reaches 8 at 2024-11-26T07:16Z, alarm expected at 2024-11-26T07:46Z","band":"temp_c_upper_8","severity":"alarm","breach_at":1732605400000,"alarm_at":1732607200000,"slope_per_h":1.2}""",
            issued);
        using JsonDocument ended = JsonDocument.Parse(second.Payload);
        Assert.Equal(("warning_ended", "trend_changed"), (ended.RootElement.GetProperty("state").GetString(), ended.RootElement.GetProperty("reason").GetString()));
        Assert.Equal("fleet1.CSQU3054383.tag7.temp_high.temp_c_upper_8.warn.1732600000000", ended.RootElement.GetProperty("id").GetString());

        // No summary was published: warnings are not open alerts.
        using var none = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await watcher.Messages.ReadAsync(none.Token));
    }

    [Fact]
    public async Task In_influxdb_a_warning_is_a_point_of_measurement_warning()
    {
        await using InfluxdServer server = await InfluxdServer.StartAsync();
        await server.CreateDatabaseAsync("alerts");
        using var writer = new InfluxWriter(new InfluxOptions { Url = server.Url, Database = "alerts" });
        await using var sink = new InfluxAlertSink(writer);

        await sink.PublishWarningAsync(Issued(), CancellationToken.None);
        await sink.PublishWarningAsync(Ended(), CancellationToken.None);
        await Alerts.EventuallyAsync(() => sink.Outbox.Processed == 2, "two writes");
        Assert.Equal(0, sink.Outbox.Failed);

        string json = await server.QueryAsync("SELECT \"tag\", \"kind\", \"band\", \"state\", \"limit\", \"alarm_ms\", \"reason\" FROM \"warning\" ORDER BY time", "alerts");
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement[] rows = [.. doc.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values").EnumerateArray()];
        Assert.Equal(2, rows.Length);
        Assert.Equal(("tag7", "temp_high", "temp_c_upper_8", "issued", 8.0, IssuedMs + 7_200_000),
            (rows[0][1].GetString(), rows[0][2].GetString(), rows[0][3].GetString(), rows[0][4].GetString(), rows[0][5].GetDouble(), rows[0][6].GetInt64()));
        Assert.Equal(JsonValueKind.Null, rows[0][7].ValueKind);
        Assert.Equal(("ended", "trend_changed"), (rows[1][4].GetString(), rows[1][7].GetString()));
        Assert.Empty(doc.RootElement.GetProperty("results")[0].GetProperty("series").EnumerateArray().Skip(1));
    }

    [Fact]
    public async Task Webhooks_of_the_projects_format_get_warnings_and_dcsa_ones_do_not()
    {
        await using var receiver = new WebhookReceiver();
        await using var dcsa = new WebhookReceiver();
        await using var sink = new WebhookAlertSink(
            [new WebhookOptions { Url = receiver.Url, SecretFile = _secretFile }, new WebhookOptions { Url = dcsa.Url, Format = WebhookFormat.Dcsa, SecretFile = _secretFile }],
            "urn:test", new Backoff(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50)));

        await sink.PublishWarningAsync(Issued(), CancellationToken.None);
        await sink.PublishAsync(Alerts.Raised(Alerts.TempHigh()), CancellationToken.None);
        await Alerts.EventuallyAsync(() => sink.Targets[0].Delivered == 2 && sink.Targets[1].Delivered == 1, "deliveries");

        using JsonDocument body = JsonDocument.Parse(receiver.Requests.First().Body);
        Assert.Equal(("warning_issued", "warning", "fleet1"), (body.RootElement.GetProperty("transition").GetString(),
            body.RootElement.GetProperty("state").GetString(), body.RootElement.GetProperty("fleet").GetString()));
        Assert.Single(dcsa.Requests); // the alert only
    }
}
