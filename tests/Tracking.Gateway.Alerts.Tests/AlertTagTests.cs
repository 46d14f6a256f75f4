using System.Text;
using System.Text.Json;
using Tracking.Gateway.Alerts.Payloads;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>The tag of an alert on the wire: the alert's own (the engine sets it), the key's third part only for alerts without one.</summary>
public class AlertTagTests
{
    [Fact]
    public void The_alerts_own_tag_is_in_the_event_the_summary_and_the_webhook_body()
    {
        // A key of no protocol shape (a long fleet id would give one): only Alert.Tag names the tag.
        var alert = Alerts.TempHigh() with { Key = "a key of another shape", Tag = "tag-x" };

        foreach (byte[] payload in new[]
        {
            AlertJson.Event(Alerts.Raised(alert))!, AlertJson.TrackingWebhook(Alerts.Raised(alert)),
        })
        {
            using JsonDocument doc = JsonDocument.Parse(payload);
            Assert.Equal("tag-x", doc.RootElement.GetProperty("tag").GetString());
        }
        using JsonDocument summary = JsonDocument.Parse(AlertJson.OpenAlerts([alert], alert.RaisedAt));
        Assert.Equal("tag-x", summary.RootElement.GetProperty("open")[0].GetProperty("tag").GetString());
    }

    [Fact]
    public void Without_its_own_tag_the_keys_third_part_is_used_and_a_container_wide_alert_has_none()
    {
        Assert.Equal("tag7", AlertWire.Tag(Alerts.TempHigh() with { Tag = null }));
        Assert.Null(AlertWire.Tag(Alerts.TempHigh() with { Tag = null, Key = "other" }));
        string json = Encoding.UTF8.GetString(AlertJson.Event(Alerts.Raised(Alerts.TempHigh() with { Tag = null, Key = "other" }))!);
        Assert.DoesNotContain("\"tag\"", json, StringComparison.Ordinal);
    }
}
