using System.Security.Cryptography;
using System.Text.Json;
using TagSimulator.Fleet;
using TagSimulator.Models;
using TagSimulator.Uplink;
using static TagSimulator.Tests.SimRuns;

namespace TagSimulator.Tests;

/// <summary>
/// The scenarios drawn for a fixed seed, and the fleet run on them, stay byte for byte what they were when these hashes
/// were taken (before <see cref="TagScenario"/>'s shared draws were factored out): a change to the order of the random
/// draws would give every seed another voyage, and every recorded figure (bench/README.md, docs/) another meaning. A
/// deliberate change of the scenarios updates the hashes, and says so.
/// </summary>
public sealed class ScenarioDrawGoldenTests
{
    /// <summary>SHA-256 of <see cref="ScenariosJson"/>.</summary>
    private const string ScenariosSha256 = "8dcb8de3e95a84fb534e07343ed43bacf76211299c42b13d4249d7b0ebb4e0c6";

    /// <summary>SHA-256 of the manifest of a 12 h run of 7 tags, seed 11, with the 5 fleet scenario containers.</summary>
    private const string FleetSha256 = "57b351f81b86697b2a399260934a1ce9cd927569233f0b9d48ddbec31769aeeb";

    /// <summary>Every public property of every scenario each factory draws for seeds 1 to 20, as JSON.</summary>
    private static byte[] ScenariosJson()
    {
        var drawn = new List<TagScenario>();
        for (int seed = 1; seed <= 20; seed++)
        {
            drawn.Add(TagScenario.Generate(new Random(seed), Start, 10 * 24 * Hour));
            drawn.AddRange(TagScenario.MeasurementKinds.Select(k => TagScenario.ForMeasurement(k, new Random(seed), Start, 10 * 24 * Hour)));
            drawn.AddRange(TagScenario.FleetKinds.Select(k => TagScenario.ForFleet(k, new Random(seed), Start, 12 * Hour)));
        }
        return JsonSerializer.SerializeToUtf8Bytes(drawn);
    }

    /// <summary>Fails with the whole new hash, to put in the constant when the change of the draws is deliberate.</summary>
    private static void AssertHash(string expected, byte[] bytes)
    {
        string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.True(expected == actual, $"SHA-256 {actual}, expected {expected}: the draws changed");
    }

    [Fact]
    public void The_scenarios_drawn_for_fixed_seeds_are_byte_identical()
    {
        AssertHash(ScenariosSha256, ScenariosJson());
    }

    [Fact]
    public void The_fleet_run_for_a_fixed_seed_is_byte_identical()
    {
        var options = SimulatorOptions.Parse(["--tags", "7", "--duration", "12h", "--seed", "11", "--scenarios", "1", "--workers", "2"]);
        var sim = new FleetSimulation(options, new LoopbackTransport(), Start, recordManifest: true);
        sim.Run(CancellationToken.None);
        using var stream = new MemoryStream();
        sim.BuildManifest().Write(stream);
        AssertHash(FleetSha256, stream.ToArray());
    }
}
