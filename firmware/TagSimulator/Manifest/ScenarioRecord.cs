using TagSimulator.Models;

namespace TagSimulator.Manifest;

/// <summary>
/// What the scenario made happen to a tag's container, as the simulation drew it (true times in simulated Unix ms, not
/// as measured): so a test can compute the expected alerts and legs from the manifest alone, independently of the gateway.
/// Written as <c>"scenario":{"kind","set_point_c","failure_start_ms","shocks":[[ms,g],...],"air_leg":[start,end],
/// "silent_from_ms","doors":[[start,end],...]}</c>, absent values null; kind null for a random voyage.
/// </summary>
public sealed record ScenarioRecord
{
    public ScenarioKind? Kind { get; init; }
    public double SetPointC { get; init; }

    /// <summary>When the refrigeration unit stopped, or null.</summary>
    public long? FailureStartMs { get; init; }

    /// <summary>Every handling shock (the tag reports those at or over its threshold as events), in time order.</summary>
    public IReadOnlyList<Shock> Shocks { get; init; } = [];

    /// <summary>The air leg (gate to gate), or null.</summary>
    public TimeWindow? AirLeg { get; init; }

    /// <summary>From when the tag sent nothing more, or null.</summary>
    public long? SilentFromMs { get; init; }

    public IReadOnlyList<TimeWindow> Doors { get; init; } = [];

    public static ScenarioRecord From(TagScenario s) => new()
    {
        Kind = s.Kind,
        SetPointC = s.SetPointC,
        FailureStartMs = s.CompressorFailureAtMs == long.MaxValue ? null : s.CompressorFailureAtMs,
        Shocks = s.Shocks,
        AirLeg = s.AirLeg,
        SilentFromMs = s.SilentFromMs == long.MaxValue ? null : s.SilentFromMs,
        Doors = s.DoorOpenings,
    };

    /// <summary>The manifest's name of a kind: snake_case (compressor_failure, rough_handling, ...).</summary>
    public static string KindName(ScenarioKind kind) => kind switch
    {
        ScenarioKind.CompressorFailure => "compressor_failure",
        ScenarioKind.DoorOpenings => "door_openings",
        ScenarioKind.Noise => "noise",
        ScenarioKind.RoughHandling => "rough_handling",
        ScenarioKind.AirLeg => "air_leg",
        ScenarioKind.TagSilent => "tag_silent",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The kind of a manifest name; null when it names none.</summary>
    public static ScenarioKind? ParseKind(string name)
    {
        foreach (ScenarioKind kind in Enum.GetValues<ScenarioKind>())
        {
            if (KindName(kind) == name) return kind;
        }
        return null;
    }

    // Value equality over the lists' contents (a record compares list references), so a manifest read back equals the written one.
    public bool Equals(ScenarioRecord? other) =>
        other is not null && Kind == other.Kind && SetPointC.Equals(other.SetPointC) && FailureStartMs == other.FailureStartMs
        && Shocks.SequenceEqual(other.Shocks) && AirLeg == other.AirLeg && SilentFromMs == other.SilentFromMs && Doors.SequenceEqual(other.Doors);

    public override int GetHashCode() => HashCode.Combine(Kind, SetPointC, FailureStartMs, Shocks.Count, AirLeg, SilentFromMs, Doors.Count);
}
