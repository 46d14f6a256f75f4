namespace TagSimulator.Models;

/// <summary>What one measurement scenario (<see cref="TagScenario.ForMeasurement"/>) is about.</summary>
public enum ScenarioKind
{
    /// <summary>The refrigeration unit stops part-way and the load warms towards the outside air until it breaches.</summary>
    CompressorFailure,

    /// <summary>No failure; frequent door openings: short spikes towards the outside air.</summary>
    DoorOpenings,

    /// <summary>No failure; a noisy sensor (0.1-0.3 degC) over the compressor's cycling.</summary>
    Noise,
}
