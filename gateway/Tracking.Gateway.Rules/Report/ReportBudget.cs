using System.Text.Json.Serialization;

namespace Tracking.Gateway.Rules.Report;

/// <summary>A band's cumulative budget and how much of it the range used (the range counted as the trip).</summary>
public sealed record ReportBudget
{
    [JsonPropertyName("band")] public required string Band { get; init; }
    [JsonPropertyName("budget_s")] public double BudgetS { get; init; }
    [JsonPropertyName("used_s")] public double UsedS { get; init; }

    /// <summary>used / budget (1 or more: the budget's alarm was due).</summary>
    [JsonPropertyName("used_fraction")] public double UsedFraction { get; init; }
}
