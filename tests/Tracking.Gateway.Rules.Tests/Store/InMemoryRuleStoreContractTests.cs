using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Tests.Store;

/// <summary>The reference: the contract's expectations are what the in-memory store does.</summary>
public sealed class InMemoryRuleStoreContractTests : RuleStoreContractTests
{
    private readonly InMemoryRuleStore _store = new();

    // One in-memory store is all the "instances" there are: a second gateway would share this object.
    protected override Task<IRuleStore> OpenStoreAsync() => Task.FromResult<IRuleStore>(_store);
}
