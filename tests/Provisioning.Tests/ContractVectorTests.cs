using ContainerTag.Core.Protocol;
using Tracking.Provisioning;
using Tracking.Testing.Contract;

namespace Provisioning.Tests;

/// <summary>
/// scripts/provision over tests/vectors/contract-vectors.json: it provisions exactly the ids the tag boots with and the
/// gateway accepts, and names the broken rule otherwise (a tag it accepts never has its readings dead-lettered).
/// </summary>
public sealed class ContractVectorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("provision-vectors-").FullName;
    private int _runs;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <returns>null when the command line is accepted, else the error line.</returns>
    private string? Provision(string fleet, string container, string tag, bool allowNonIso)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string outDir = Path.Combine(_dir, "out" + _runs++);
        string[] args =
        [
            "--fleet", fleet, "--container", container, "--tag", tag, "--ssid", "Yard", "--password", "correct-horse-42",
            "--broker", "mqtt.acme.test", "--out", outDir, .. allowNonIso ? new[] { "--allow-non-iso-container" } : [],
        ];
        int code = ProvisionCommand.Run(args, stdout, stderr, _dir);
        return code switch
        {
            0 when File.Exists(Path.Combine(outDir, "tag.json")) => null,
            0 => "exit 0 without tag.json",
            _ => stderr.ToString(),
        };
    }

    private static string? Expect(string? error, IdError expected, string option)
    {
        if (expected == IdError.None) return error == null ? null : "refused: " + error;
        if (error == null) return $"provisioned, expected {expected}";
        string want = $"error: {option}: {TagIdentity.Describe(expected)}";
        return error.StartsWith(want, StringComparison.Ordinal) ? null : $"'{error.TrimEnd()}', expected '{want}...'";
    }

    [Fact]
    public void Container_numbers_are_provisioned_exactly_when_Core_accepts_them()
    {
        ContractVectors.AssertAll(ContractVectors.ContainerNumbers, v =>
            Expect(Provision("acme", v.Id, "tag-07", allowNonIso: false), Enum.Parse<IdError>(v.Error), "--container")
            ?? Expect(Provision("acme", v.Id, "tag-07", allowNonIso: true), Enum.Parse<IdError>(v.NonIsoError), "--container"));
    }

    [Fact]
    public void Fleet_and_tag_ids_are_provisioned_exactly_when_Core_accepts_them()
    {
        ContractVectors.AssertAll(ContractVectors.Ids, v =>
        {
            var expected = Enum.Parse<IdError>(v.Error);
            return Expect(Provision(v.Id, "CSQU3054383", "tag-07", allowNonIso: false), expected, "--fleet")
                ?? Expect(Provision("acme", "CSQU3054383", v.Id, allowNonIso: false), expected, "--tag");
        });
    }

    [Fact]
    public void A_bad_category_says_which_letters_ISO_6346_allows_and_how_to_provision_a_non_ISO_asset()
    {
        string? error = Provision("acme", "CSQA3054383", "tag-07", allowNonIso: false);
        Assert.NotNull(error);
        Assert.Contains("must be U, J or Z", error);
        Assert.Contains("--allow-non-iso-container", error);
    }
}
