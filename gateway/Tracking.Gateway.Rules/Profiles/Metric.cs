namespace Tracking.Gateway.Rules.Profiles;

/// <summary>What a band watches; the API names are <c>temp_c</c> and <c>rh</c>.</summary>
public enum Metric
{
    TemperatureC,
    HumidityPct,
}
