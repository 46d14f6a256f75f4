using Tracking.Gateway.Rules.Transport;

namespace Tracking.Gateway.Rules.Report;

/// <summary>The trip report's settings, section "Reports" (gateway.sample.jsonc).</summary>
public sealed class ReportOptions
{
    public const string SectionName = "Reports";

    /// <summary>Longest range one report may cover: bounds the readings read and held (a 5-min tag: 8,640 per 30 days).</summary>
    public TimeSpan MaxRange { get; set; } = TimeSpan.FromDays(92);

    public AirLegSettings AirLeg { get; set; } = new();

    public DoorOpeningSettings DoorOpening { get; set; } = new();
}
