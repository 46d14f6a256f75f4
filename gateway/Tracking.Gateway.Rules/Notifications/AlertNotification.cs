using Tracking.Gateway.Rules.Alerts;

namespace Tracking.Gateway.Rules.Notifications;

/// <summary>One change of an alert, with the alert as stored after it; <paramref name="At"/> is the gateway's time of the change.</summary>
public sealed record AlertNotification(AlertTransition Transition, Alert Alert, DateTimeOffset At);
