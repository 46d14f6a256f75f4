namespace TagSimulator.Models;

/// <summary>
/// What one scenario container is about: the measurement scenarios (<see cref="TagScenario.ForMeasurement"/>: the first
/// three) and the fleet's scenario containers (<see cref="TagScenario.ForFleet"/>: all but <see cref="Noise"/>).
/// </summary>
public enum ScenarioKind
{
    /// <summary>The refrigeration unit stops part-way and the load warms towards the outside air until it breaches.</summary>
    CompressorFailure,

    /// <summary>No failure; frequent door openings: short spikes towards the outside air.</summary>
    DoorOpenings,

    /// <summary>No failure; a noisy sensor (0.1-0.3 degC) over the compressor's cycling.</summary>
    Noise,

    /// <summary>Rough handling: several shocks at or over the pharma profile's 4 g, a few gentle ones below it.</summary>
    RoughHandling,

    /// <summary>An air-freight leg: cabin pressure (750-850 hPa) for some hours, then back to ground level.</summary>
    AirLeg,

    /// <summary>The tag goes silent part-way (destroyed, cell pulled) and sends nothing more.</summary>
    TagSilent,
}
