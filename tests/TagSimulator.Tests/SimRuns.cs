using ContainerTag.Core.Control;
using TagSimulator;
using TagSimulator.Fleet;
using TagSimulator.Manifest;
using TagSimulator.Models;
using TagSimulator.Uplink;

namespace TagSimulator.Tests;

/// <summary>Shared ways to run the simulator in the tests.</summary>
internal static class SimRuns
{
    public const long Start = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    public const long Hour = 3_600_000;

    /// <summary>A whole fleet over the in-memory broker; returns the manifest as JSON bytes.</summary>
    public static byte[] FleetManifestJson(int seed, int tags, string duration)
    {
        var options = SimulatorOptions.Parse(["--tags", tags.ToString(), "--duration", duration, "--seed", seed.ToString(), "--workers", "3"]);
        var sim = new FleetSimulation(options, new LoopbackTransport(), Start, recordManifest: true);
        sim.Run(CancellationToken.None);
        using var stream = new MemoryStream();
        sim.BuildManifest().Write(stream);
        return stream.ToArray();
    }

    /// <summary>One tag through a hand-made scenario until its end.</summary>
    public static VirtualTag RunOne(TagScenario scenario, IBrokerTransport? transport = null)
    {
        var options = new TagOptions { Fleet = "test", Container = "CSQU3054383", Tag = "t1" };
        var tag = new VirtualTag(0, options, scenario, transport ?? new LoopbackTransport(), recordManifest: true);
        while (tag.NextWakeMs < scenario.EndMs) tag.Wake();
        return tag;
    }

    /// <summary>A quiet chilled container: no doors, shocks, failures or gaps unless the test adds them.</summary>
    public static TagScenario Quiet(long durationMs, long? failureAt = null, TimeWindow? air = null,
        IReadOnlyList<Shock>? shocks = null, IReadOnlyList<TimeWindow>? offline = null, double soc = 0.9) => new()
    {
        StartMs = Start,
        EndMs = Start + durationMs,
        SetPointC = 5.0,
        AmbientC = 28.0,
        CompressorFailureAtMs = failureAt ?? long.MaxValue,
        AirLeg = air,
        CabinHpa = 790,
        Shocks = shocks ?? [],
        Offline = offline ?? [],
        InitialStateOfCharge = soc,
        SensorFailureRate = 0,
        NoiseSeed = 42,
    };

    public static IEnumerable<ManifestReading> Between(this TagManifest m, long from, long to) =>
        m.Readings.Where(r => r.TimeMs >= from && r.TimeMs < to);
}
