namespace Tracking.Gateway.Rules.Alerts;

/// <summary>open -> acknowledged -> resolved; an open alert may also resolve without an acknowledgement.</summary>
public enum AlertState
{
    Open,
    Acknowledged,
    Resolved,
}
