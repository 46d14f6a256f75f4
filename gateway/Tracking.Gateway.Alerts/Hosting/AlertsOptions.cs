using Tracking.Gateway.Alerts.Webhooks;

namespace Tracking.Gateway.Alerts.Hosting;

/// <summary>Section <c>Alerts</c>: which sinks run and how they queue and retry.</summary>
public sealed class AlertsOptions
{
    public const string Section = "Alerts";

    /// <summary>Publish on MQTT (protocol.md 4.5 events and the retained summary).</summary>
    public bool MqttEnabled { get; set; } = true;

    /// <summary>Write measurement <c>alert</c> to InfluxDB.</summary>
    public bool InfluxEnabled { get; set; } = true;

    /// <summary>Notifications the MQTT and the InfluxDB sink each hold while their server is away; oldest dropped beyond.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>First webhook retry delay (doubling, equal jitter, up to <see cref="RetryMaxDelay"/>).</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>CloudEvents <c>source</c> of DCSA notifications: a URI naming this deployment.</summary>
    public string DcsaSource { get; set; } = "urn:tracking:gateway";

    public List<WebhookOptions> Webhooks { get; set; } = [];
}
