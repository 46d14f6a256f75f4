namespace Tracking.Dashboard.Tests;

/// <summary>The tests that share one <see cref="FleetFixture"/> (one gateway and its servers; they run one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class FleetCollection : ICollectionFixture<FleetFixture>
{
    public const string Name = "fleet";
}
