namespace Tracking.Gateway.Rules.Input;

/// <summary>What a <see cref="RuleInput"/> carries.</summary>
public enum RuleInputKind
{
    /// <summary>One reading of a telemetry batch (docs/protocol.md 4.1), possibly with the batch's battery volts.</summary>
    Reading,

    /// <summary>A shock event (4.2, kind <c>shock</c>); <see cref="RuleInput.PeakG"/> holds its g.</summary>
    Shock,

    /// <summary>A battery voltage: a status (4.3), a telemetry batch's <c>bat</c> or a <c>battery_low</c> event.</summary>
    Battery,
}
