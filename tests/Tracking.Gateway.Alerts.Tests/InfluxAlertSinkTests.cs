using System.Text.Json;
using Tracking.Gateway.Alerts.Influx;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Influx;
using Tracking.Influx.Writing;
using Tracking.Testing;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>The InfluxDB sink against a real influxd: the schema, and a replay that stays one point.</summary>
public class InfluxAlertSinkTests
{
    [Fact]
    public async Task A_replayed_notification_is_one_point_with_the_schema_tags_and_fields()
    {
        await using InfluxdServer server = await InfluxdServer.StartAsync();
        const string db = "alerts";
        await server.CreateDatabaseAsync(db);
        using var writer = new InfluxWriter(new InfluxOptions { Url = server.Url, Database = db });
        await using var sink = new InfluxAlertSink(writer);

        Alert alert = Alerts.TempHigh();
        AlertNotification raised = Alerts.Raised(alert);
        await sink.PublishAsync(raised, CancellationToken.None);
        await sink.PublishAsync(raised, CancellationToken.None); // the engine re-notifying after a retried batch
        var acked = new AlertNotification(AlertTransition.Acknowledged, alert with { State = AlertState.Acknowledged, AcknowledgedBy = "ops" },
            alert.RaisedAt.AddMinutes(5));
        await sink.PublishAsync(acked, CancellationToken.None);
        await Alerts.EventuallyAsync(() => sink.Outbox.Processed == 3, "three writes");
        Assert.Equal(0, sink.Outbox.Failed);

        string json = await server.QueryAsync(
            "SELECT \"fleet\", \"container\", \"tag\", \"kind\", \"band\", \"severity\", \"state\", \"id\", \"value\", \"limit\", \"late_s\", \"msg\", \"by\" FROM \"alert\" ORDER BY time", db);
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement series = doc.RootElement.GetProperty("results")[0].GetProperty("series")[0];
        JsonElement[] rows = [.. series.GetProperty("values").EnumerateArray()];
        Assert.Equal(2, rows.Length);
        string[] columns = [.. series.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!)];
        JsonElement Cell(JsonElement row, string column) => row[Array.IndexOf(columns, column)];

        JsonElement first = rows[0];
        Assert.Equal("2024-11-26T05:58:43.456Z", Cell(first, "time").GetString());
        Assert.Equal("fleet1", Cell(first, "fleet").GetString());
        Assert.Equal("CSQU3054383", Cell(first, "container").GetString());
        Assert.Equal("tag7", Cell(first, "tag").GetString());
        Assert.Equal("temp_high", Cell(first, "kind").GetString());
        Assert.Equal("temp_c_upper_8", Cell(first, "band").GetString());
        Assert.Equal("alarm", Cell(first, "severity").GetString());
        Assert.Equal("raised", Cell(first, "state").GetString());
        Assert.Equal(alert.Key, Cell(first, "id").GetString());
        Assert.Equal(9.3, Cell(first, "value").GetDouble());
        Assert.Equal(8.0, Cell(first, "limit").GetDouble());
        Assert.Equal(42, Cell(first, "late_s").GetInt64());
        Assert.Equal(alert.Message, Cell(first, "msg").GetString());
        Assert.Equal(JsonValueKind.Null, Cell(first, "by").ValueKind);
        Assert.Equal("acknowledged", Cell(rows[1], "state").GetString());
        Assert.Equal("ops", Cell(rows[1], "by").GetString());
    }
}
