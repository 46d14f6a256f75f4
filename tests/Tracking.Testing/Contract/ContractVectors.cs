using System.Text.Json;
using Xunit;

namespace Tracking.Testing.Contract;

/// <summary>
/// tests/vectors/contract-vectors.json: the edge cases of the wire contract's ids and ranges (docs/protocol.md
/// sections 2 and 5), one file for the tests of every consumer (Core, gateway, provisioning, simulator), so none of
/// them can keep its own, drifting list.
/// </summary>
public static class ContractVectors
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Of("tests", "vectors", "contract-vectors.json"))).RootElement);

    public static IReadOnlyList<ContainerVector> ContainerNumbers { get; } = Load("containerNumbers", e => new ContainerVector(
        e.GetProperty("id").GetString()!, e.GetProperty("error").GetString()!, e.GetProperty("nonIsoError").GetString()!,
        e.GetProperty("note").GetString()!));

    public static IReadOnlyList<IdVector> Ids { get; } = Load("ids", e => new IdVector(
        e.GetProperty("id").GetString()!, e.GetProperty("error").GetString()!, e.GetProperty("note").GetString()!,
        e.TryGetProperty("topicReason", out JsonElement t) ? t.GetString() : null));

    public static IReadOnlyList<RangeVector> Ranges { get; } = Load("ranges", e => new RangeVector(
        e.GetProperty("field").GetString()!, e.GetProperty("value").GetRawText(), e.GetProperty("valid").GetBoolean(),
        e.TryGetProperty("tagSends", out JsonElement sends) ? sends.GetRawText() : null));

    /// <summary>
    /// Runs <paramref name="check"/> (null = pass, else what went wrong) over every vector and fails once, listing
    /// every failing vector, so one run shows the whole disagreement and not only its first case.
    /// </summary>
    public static void AssertAll<T>(IEnumerable<T> vectors, Func<T, string?> check)
    {
        var failures = new List<string>();
        int count = 0;
        foreach (T v in vectors)
        {
            count++;
            string? failure = check(v);
            if (failure != null) failures.Add($"{v}: {failure}");
        }

        Assert.True(count > 0, "no vectors");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} vectors failed:\n" + string.Join("\n", failures));
    }

    private static IReadOnlyList<T> Load<T>(string section, Func<JsonElement, T> read) =>
        Root.Value.GetProperty(section).EnumerateArray().Select(read).ToArray();
}
