namespace Tracking.Gateway.Alerts.Webhooks;

/// <summary>The body a webhook gets: the project's own JSON, or DCSA's Operational Reefer Notification (CloudEvents).</summary>
public enum WebhookFormat
{
    Tracking,
    Dcsa,
}
