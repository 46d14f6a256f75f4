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

    /// <summary>How long a stop lets each sink's queue deliver what it holds before it cancels (0 to 5 min).</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where a stop keeps what the queues could not deliver (one JSON-lines file per queue), queued again at the next start.
    /// Empty: the gateway uses its spool directory; a host without one loses them (logged).
    /// </summary>
    public string OutboxDirectory { get; set; } = "";

    /// <summary>
    /// Publish the retained tag config (protocol.md 4.4) to a container's tags when its profile is assigned, its fleet's
    /// default changes, or a tag is first seen; needs <see cref="MqttEnabled"/> (the same connection).
    /// </summary>
    public bool ConfigEnabled { get; set; } = true;

    /// <summary>The config's <c>sample_s</c>: the tags' sampling interval, s (10..86400; profiles do not set it).</summary>
    public int ConfigSampleS { get; set; } = 300;

    /// <summary>The config's <c>report_s</c>: the tags' report interval, s (<see cref="ConfigSampleS"/>..604800).</summary>
    public int ConfigReportS { get; set; } = 3600;

    /// <summary>The config's <c>shock_g</c> for a profile without a shock threshold (0.5..27.7).</summary>
    public double ConfigShockG { get; set; } = 4.0;

    /// <summary>The config's <c>bat_lo</c> for a profile without a battery threshold, V (0..5).</summary>
    public double ConfigBatteryV { get; set; } = 3.4;
}
