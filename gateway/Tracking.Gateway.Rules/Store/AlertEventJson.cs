using System.Text.Json;
using System.Text.Json.Serialization;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Prediction;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// The alert or the predictive warning as an owed event's row keeps it (the SQL stores' <c>alert_events.alert</c>, and
/// <c>warnings.warning</c>): JSON, enums by name so that a stored row does not depend on their numbering, non-finite
/// numbers allowed.
/// </summary>
internal static class AlertEventJson
{
    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(Alert alert) => JsonSerializer.Serialize(alert, Json);

    public static Alert Deserialize(string json) =>
        JsonSerializer.Deserialize<Alert>(json, Json) ?? throw new JsonException("an alert event's alert is null");

    public static string SerializeWarning(PredictiveWarning warning) => JsonSerializer.Serialize(warning, Json);

    public static PredictiveWarning DeserializeWarning(string json) =>
        JsonSerializer.Deserialize<PredictiveWarning>(json, Json) ?? throw new JsonException("a warning event's warning is null");
}
