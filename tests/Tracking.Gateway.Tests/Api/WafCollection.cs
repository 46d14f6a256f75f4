namespace Tracking.Gateway.Tests.Api;

/// <summary>
/// The WebApplicationFactory classes share one gateway and its servers (started once: about 3 s of the run) and run
/// one after another, so a class that changes state (an acknowledgement) does not race another's reads.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WafCollection : ICollectionFixture<WafGateway>
{
    public const string Name = "gateway through WebApplicationFactory";
}
