using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>Alerts as the rules engine hands them to sinks.</summary>
internal static class Alerts
{
    public static readonly ContainerKey Container = new("fleet1", "CSQU3054383");

    public static Alert TempHigh(long id = 7, string tag = "tag7") => new()
    {
        Id = id,
        Key = $"fleet1.CSQU3054383.{tag}.temp_high.temp_c_upper_8.1732600123456",
        Container = Container,
        Kind = "temp_high",
        Band = "temp_c_upper_8",
        Tag = tag,
        Severity = Severity.Alarm,
        Since = DateTimeOffset.FromUnixTimeMilliseconds(1732600123456),
        RaisedAt = DateTimeOffset.FromUnixTimeMilliseconds(1732600723456),
        Late = TimeSpan.FromSeconds(42),
        Value = 9.3,
        Limit = 8.0,
        Message = "temperature at or above 8 degC for 10 min",
    };

    public static AlertNotification Raised(Alert alert) => new(AlertTransition.Raised, alert, alert.RaisedAt);

    public static AlertNotification Resolved(Alert alert, long atMs = 1732601000000) =>
        new(AlertTransition.Resolved, alert with { State = AlertState.Resolved, ResolvedAt = DateTimeOffset.FromUnixTimeMilliseconds(atMs) },
            DateTimeOffset.FromUnixTimeMilliseconds(atMs));

    public static async Task EventuallyAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("timed out waiting for " + what);
            await Task.Delay(20);
        }
    }
}
