using Tracking.Gateway.Rules.Prediction;

namespace Tracking.Gateway.Rules.Notifications;

/// <summary>
/// A predictive warning issued or ended, with the prediction as it stood then; <paramref name="At"/> is the gateway's time
/// of the change and <paramref name="Reason"/> says why an ended warning ended (<see cref="WarningNotification.AlarmFired"/>,
/// <see cref="WarningNotification.TrendChanged"/>, <see cref="WarningNotification.ProfileChanged"/> or
/// <see cref="WarningNotification.TripsChanged"/>; null when issued).
/// </summary>
public sealed record WarningNotification(WarningTransition Transition, PredictiveWarning Warning, DateTimeOffset At, string? Reason = null)
{
    public const string AlarmFired = "alarm_fired";
    public const string TrendChanged = "trend_changed";

    /// <summary>Another profile took effect: the window is evaluated afresh under it, and a re-run issues nothing.</summary>
    public const string ProfileChanged = "profile_changed";

    /// <summary>A trip started or ended over the window: its bands restart on the trips, evaluated afresh.</summary>
    public const string TripsChanged = "trips_changed";

    /// <summary>
    /// What names one warning: <c>{fleet}.{container}.{tag}.{kind}.{band}.warn.{issued ms}</c> (device time), the same for
    /// its issue and its end. The rule store records a warning under it (<c>IRuleStore.RecordWarningAsync</c>), so a replay
    /// that derives the same warning again records nothing; it is also the protocol's warning id (docs/protocol.md 4.5).
    /// </summary>
    public static string KeyOf(PredictiveWarning warning)
    {
        ContainerKey c = warning.Container;
        return FormattableString.Invariant($"{c.Fleet}.{c.Container}.{warning.Tag}.{warning.Kind}.{warning.Band}.warn.{warning.IssuedAt.ToUnixTimeMilliseconds()}");
    }
}
