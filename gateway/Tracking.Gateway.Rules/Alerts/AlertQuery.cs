namespace Tracking.Gateway.Rules.Alerts;

/// <summary>Which alerts to list: all filters optional, newest first.</summary>
public sealed record AlertQuery(AlertState? State = null, string? Fleet = null, string? Container = null, int Limit = 500);
