namespace Tracking.Gateway.Rules.Input;

/// <summary>
/// One thing the rules evaluate, flat and unboxed so a batch of them costs one array. Times are device times in Unix ms
/// (docs/protocol.md 7: <c>t0 + offset</c>, or <c>arrival - a0 + offset</c>); <see cref="Estimated"/> marks <c>t_est</c>
/// times, which the band rules skip (their true time is unknown). Absent sensor values are NaN.
/// </summary>
public readonly record struct RuleInput
{
    public RuleInputKind Kind { get; init; }
    public ContainerKey Container { get; init; }
    public string Tag { get; init; }
    public uint Boot { get; init; }

    /// <summary>The reading's sequence number (events: the event counter, a separate sequence).</summary>
    public uint Seq { get; init; }

    public long TimeMs { get; init; }
    public bool Estimated { get; init; }
    public double TempC { get; init; }
    public double RhPct { get; init; }
    public double PressureHpa { get; init; }

    /// <summary>A reading's peak g, or a shock event's g.</summary>
    public double PeakG { get; init; }

    /// <summary>
    /// A battery input's volts; on a reading, the volts of its telemetry batch (NaN: none), evaluated after the reading as
    /// a battery value at its time: the feed puts them on a batch's last reading instead of adding a battery input, so a
    /// message is one input (issue 12: the second input's container look-up and dispatch were paid per message).
    /// </summary>
    public double BatteryV { get; init; }

    public static RuleInput Reading(ContainerKey container, string tag, uint boot, uint seq, long timeMs, double tempC,
        double rhPct = double.NaN, double pressureHpa = double.NaN, double peakG = double.NaN, bool estimated = false,
        double batteryV = double.NaN) => new()
    {
        Kind = RuleInputKind.Reading, Container = container, Tag = tag, Boot = boot, Seq = seq, TimeMs = timeMs, Estimated = estimated,
        TempC = tempC, RhPct = rhPct, PressureHpa = pressureHpa, PeakG = peakG, BatteryV = batteryV,
    };

    public static RuleInput Shock(ContainerKey container, string tag, uint boot, uint eventSeq, long timeMs, double g, bool estimated = false) => new()
    {
        Kind = RuleInputKind.Shock, Container = container, Tag = tag, Boot = boot, Seq = eventSeq, TimeMs = timeMs, Estimated = estimated,
        TempC = double.NaN, RhPct = double.NaN, PressureHpa = double.NaN, PeakG = g, BatteryV = double.NaN,
    };

    public static RuleInput Battery(ContainerKey container, string tag, long timeMs, double volts) => new()
    {
        Kind = RuleInputKind.Battery, Container = container, Tag = tag, TimeMs = timeMs,
        TempC = double.NaN, RhPct = double.NaN, PressureHpa = double.NaN, PeakG = double.NaN, BatteryV = volts,
    };
}
