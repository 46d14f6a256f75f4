namespace Tracking.Gateway.Rules.Notifications;

/// <summary>What happened to an alert. A sink maps these to protocol.md 4.5 states (raised, escalated: raised again; acknowledged; resolved: cleared).</summary>
public enum AlertTransition
{
    Raised,
    Escalated,
    Acknowledged,
    Resolved,
}
