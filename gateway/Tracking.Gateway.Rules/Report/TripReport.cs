using System.Text.Json.Serialization;
using Tracking.Gateway.Rules.Alerts;

namespace Tracking.Gateway.Rules.Report;

/// <summary>
/// The trip report of issue 12 for one container and time range, computed by <see cref="TripReportBuilder"/> from the
/// time series alone (plus the alerts of the rule store). Values that cannot be known (no reading) are null. Times are
/// device times (UTC) except the statuses' arrival times; durations in seconds.
/// </summary>
public sealed record TripReport
{
    [JsonPropertyName("fleet")] public required string Fleet { get; init; }
    [JsonPropertyName("container")] public required string Container { get; init; }
    [JsonPropertyName("from")] public required DateTimeOffset From { get; init; }
    [JsonPropertyName("to")] public required DateTimeOffset To { get; init; }

    /// <summary>The trip the report is of (<c>?trip=</c>: the range is its start to its end, or now while it lasts); null for a plain range.</summary>
    [JsonPropertyName("trip_id")] public long? TripId { get; init; }

    /// <summary>The trip's reference (booking or bill-of-lading number), if it has one.</summary>
    [JsonPropertyName("trip_reference")] public string? TripReference { get; init; }

    /// <summary>The profile whose bands were applied; null: none (only the statistics).</summary>
    [JsonPropertyName("profile")] public string? Profile { get; init; }

    [JsonPropertyName("generated_at")] public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Readings in the range (every tag), <c>t_est</c> ones included.</summary>
    [JsonPropertyName("readings")] public int Readings { get; init; }

    /// <summary><c>t_est</c> readings: their true time is unknown, so, as the rules, the report does not evaluate them.</summary>
    [JsonPropertyName("estimated_readings")] public int EstimatedReadings { get; init; }

    /// <summary>Mean kinetic temperature over the range, time-weighted (known intervals only).</summary>
    [JsonPropertyName("mkt_c")] public double? MktC { get; init; }

    [JsonPropertyName("min_c")] public double? MinC { get; init; }
    [JsonPropertyName("min_c_at")] public DateTimeOffset? MinCAt { get; init; }
    [JsonPropertyName("max_c")] public double? MaxC { get; init; }
    [JsonPropertyName("max_c_at")] public DateTimeOffset? MaxCAt { get; init; }

    /// <summary>Arithmetic mean of the readings' temperatures.</summary>
    [JsonPropertyName("mean_c")] public double? MeanC { get; init; }

    [JsonPropertyName("min_rh")] public double? MinRh { get; init; }
    [JsonPropertyName("min_rh_at")] public DateTimeOffset? MinRhAt { get; init; }
    [JsonPropertyName("max_rh")] public double? MaxRh { get; init; }
    [JsonPropertyName("max_rh_at")] public DateTimeOffset? MaxRhAt { get; init; }
    [JsonPropertyName("mean_rh")] public double? MeanRh { get; init; }

    /// <summary>Time between readings that are not consecutive (lost readings, reboots): neither in range nor outside.</summary>
    [JsonPropertyName("unknown_s")] public double UnknownS { get; init; }

    /// <summary>Per band name, the time outside over the range (every tag's), as the cumulative rule counts it.</summary>
    [JsonPropertyName("time_outside_s")] public IReadOnlyDictionary<string, double> TimeOutsideS { get; init; } = new Dictionary<string, double>();

    [JsonPropertyName("budgets")] public IReadOnlyList<ReportBudget> Budgets { get; init; } = [];
    [JsonPropertyName("excursions")] public IReadOnlyList<ReportExcursion> Excursions { get; init; } = [];
    [JsonPropertyName("shock_count")] public int ShockCount { get; init; }
    [JsonPropertyName("shock_max_g")] public double? ShockMaxG { get; init; }
    [JsonPropertyName("shocks")] public IReadOnlyList<ReportShock> Shocks { get; init; } = [];

    /// <summary>Readings missing from the sequence numbers (thinned ones included: thinning leaves gaps).</summary>
    [JsonPropertyName("lost_readings")] public long LostReadings { get; init; }

    /// <summary>Readings the tags reported dropping by thinning during the range (their statuses' <c>thinned</c>).</summary>
    [JsonPropertyName("thinned_readings")] public long ThinnedReadings { get; init; }

    [JsonPropertyName("gaps")] public IReadOnlyList<ReportGap> Gaps { get; init; } = [];
    [JsonPropertyName("legs")] public IReadOnlyList<Transport.TransportLeg> Legs { get; init; } = [];
    [JsonPropertyName("door_openings")] public IReadOnlyList<Transport.DoorOpening> DoorOpenings { get; init; } = [];
    [JsonPropertyName("alerts")] public IReadOnlyList<AlertDto> Alerts { get; init; } = [];
    [JsonPropertyName("tags")] public IReadOnlyList<ReportTag> Tags { get; init; } = [];
}
