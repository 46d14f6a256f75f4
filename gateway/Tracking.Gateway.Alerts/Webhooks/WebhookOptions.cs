namespace Tracking.Gateway.Alerts.Webhooks;

/// <summary>One entry of <c>Alerts:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    /// <summary>http or https; the notification is POSTed here.</summary>
    public string Url { get; set; } = "";

    public WebhookFormat Format { get; set; } = WebhookFormat.Tracking;

    /// <summary>A file holding the HMAC secret (surrounding whitespace ignored): a secret never sits in configuration.</summary>
    public string SecretFile { get; set; } = "";

    /// <summary>One attempt, connect to response headers and body.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Notifications waiting for this webhook; when full the oldest is dropped.</summary>
    public int QueueCapacity { get; set; } = 1000;
}
