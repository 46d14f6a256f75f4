namespace Tracking.Gateway.Rules.Profiles;

/// <summary>Four levels, lowest first; an escalation moves an unacknowledged alert one level up.</summary>
public enum Severity
{
    Info,
    Warning,
    Alarm,
    Critical,
}
