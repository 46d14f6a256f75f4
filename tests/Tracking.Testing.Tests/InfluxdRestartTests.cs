namespace Tracking.Testing.Tests;

/// <summary>Restarts get their own server so they do not disturb the shared fixture of <see cref="InfluxdServerTests"/>.</summary>
public sealed class InfluxdRestartTests
{
    [Fact]
    public async Task Data_survives_Stop_and_StartAgain_on_the_same_port()
    {
        await using var server = await InfluxdServer.StartAsync();
        await server.CreateDatabaseAsync("fixture_restart");
        await InfluxdServerTests.WriteAsync(server, "fixture_restart", "climate,container=T-0002 humidity=55i 1700000000000000000");

        await server.StopAsync();
        Assert.False(await MosquittoServerTests.AcceptsTcpAsync("127.0.0.1", server.Port));
        await server.StartAgainAsync();

        var json = await server.QueryAsync("SELECT humidity FROM climate", "fixture_restart");
        Assert.Contains(",55]", json);
    }

    [Fact]
    public async Task Acknowledged_writes_survive_a_kill()
    {
        await using var server = await InfluxdServer.StartAsync();
        await server.CreateDatabaseAsync("fixture_kill");
        await InfluxdServerTests.WriteAsync(server, "fixture_kill", "shock,container=T-0003 g=3.25 1700000000000000000");

        await server.KillAsync();
        await server.StartAgainAsync();

        var json = await server.QueryAsync("SELECT g FROM shock", "fixture_kill");
        Assert.Contains(",3.25]", json);
        Assert.Contains("Listening on HTTP", server.ReadLog());
    }
}
