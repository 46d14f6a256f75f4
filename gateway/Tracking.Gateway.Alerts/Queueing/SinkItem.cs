using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Alerts.Queueing;

/// <summary>What a sink's queue holds: an alert change or a predictive warning change (exactly one is set), in the order the engine made them.</summary>
public readonly record struct SinkItem(AlertNotification? Alert, WarningNotification? Warning)
{
    public static implicit operator SinkItem(AlertNotification alert) => new(alert, null);

    public static implicit operator SinkItem(WarningNotification warning) => new(null, warning);
}
