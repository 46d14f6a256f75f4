using Tracking.Gateway.Rules.Prediction;

namespace Tracking.Gateway.Rules.Notifications;

/// <summary>
/// A predictive warning issued or ended, with the prediction as it stood then; <paramref name="At"/> is the gateway's time
/// of the change and <paramref name="Reason"/> says why an ended warning ended (<see cref="WarningNotification.AlarmFired"/>
/// or <see cref="WarningNotification.TrendChanged"/>; null when issued).
/// </summary>
public sealed record WarningNotification(WarningTransition Transition, PredictiveWarning Warning, DateTimeOffset At, string? Reason = null)
{
    public const string AlarmFired = "alarm_fired";
    public const string TrendChanged = "trend_changed";
}
