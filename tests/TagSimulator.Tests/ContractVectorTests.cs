using ContainerTag.Core.Protocol;
using Tracking.Testing.Contract;

namespace TagSimulator.Tests;

/// <summary>The simulator over tests/vectors/contract-vectors.json: its ids follow Core's rules, as the real tags' do.</summary>
public class ContractVectorTests
{
    [Fact]
    public void Fleet_ids_are_accepted_exactly_when_Core_accepts_them()
    {
        ContractVectors.AssertAll(ContractVectors.Ids, v =>
        {
            var expected = Enum.Parse<IdError>(v.Error);
            try
            {
                _ = SimulatorOptions.Parse(["--fleet", v.Id]);
                return expected == IdError.None ? null : $"accepted, expected {expected}";
            }
            catch (ArgumentException e)
            {
                return expected != IdError.None && e.Message.EndsWith(TagIdentity.Describe(expected), StringComparison.Ordinal)
                    ? null
                    : $"{e.Message}, expected {expected}";
            }
        });
    }
}
