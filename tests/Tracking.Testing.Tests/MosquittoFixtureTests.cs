using static Tracking.Testing.Tests.MosquittoClientTools;

namespace Tracking.Testing.Tests;

/// <summary>The xunit fixture hands every test of a class the same running broker.</summary>
public sealed class MosquittoFixtureTests(MosquittoFixture fixture) : IClassFixture<MosquittoFixture>
{
    [Fact]
    public async Task Fixture_broker_answers()
    {
        var server = fixture.Server;
        Assert.Equal(0, (await PublishAsync(server.Host, server.Port, "-t", "fixture/shared", "-m", "shared", "-r", "-q", "1")).ExitCode);

        using var subscriber = await SubscribeAsync(server.Host, server.Port, "-t", "fixture/shared", "-C", "1");

        Assert.Contains("shared", (await subscriber.ExitAsync()).Output);
    }
}
