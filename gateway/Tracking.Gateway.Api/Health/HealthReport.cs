namespace Tracking.Gateway.Api.Health;

/// <summary>The body of <c>GET /healthz</c>: <c>{"status":"ok"|"unhealthy","reasons":[...]}</c>.</summary>
public sealed record HealthReport(string Status, IReadOnlyList<string> Reasons);
