using static Tracking.Testing.Tests.MosquittoClientTools;

namespace Tracking.Testing.Tests;

/// <summary>The aedes fixture is a second working broker, reachable by another implementation's client.</summary>
public sealed class AedesServerTests : IClassFixture<AedesFixture>
{
    private readonly AedesServer _server;

    public AedesServerTests(AedesFixture fixture) => _server = fixture.Server;

    [Fact]
    public async Task Routes_a_message_between_mosquitto_clients()
    {
        Assert.Equal("127.0.0.1", _server.Host);
        using var subscriber = await SubscribeAsync(_server.Host, _server.Port, "-t", "fixture/aedes", "-C", "1");

        var published = await PublishAsync(_server.Host, _server.Port, "-t", "fixture/aedes", "-m", "hello-aedes", "-q", "1");

        Assert.Equal(0, published.ExitCode);
        var received = await subscriber.ExitAsync();
        Assert.Contains("hello-aedes", received.Output);
    }
}
