namespace Tracking.Gateway.Rules.Notifications;

/// <summary>What happened to a predictive warning.</summary>
public enum WarningTransition
{
    /// <summary>The trend has predicted the band's alarm within the horizon for the confirmation time.</summary>
    Issued,

    /// <summary>The trend no longer predicts it, or the alarm fired (then an alert takes over).</summary>
    Ended,
}
