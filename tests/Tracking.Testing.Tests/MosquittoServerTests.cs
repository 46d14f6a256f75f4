using System.Net.Sockets;
using static Tracking.Testing.Tests.MosquittoClientTools;

namespace Tracking.Testing.Tests;

/// <summary>The private mosquitto fixture really runs a broker, restarts it, keeps its data and cleans up.</summary>
public sealed class MosquittoServerTests
{
    [Fact]
    public async Task Subscriber_receives_what_a_publisher_sends()
    {
        await using var server = await MosquittoServer.StartAsync();
        Assert.Equal("127.0.0.1", server.Host);
        using var subscriber = await SubscribeAsync(server.Host, server.Port, "-t", "fixture/live", "-C", "1");

        var published = await PublishAsync(server.Host, server.Port, "-t", "fixture/live", "-m", "hello-live", "-q", "1");

        Assert.Equal(0, published.ExitCode);
        var received = await subscriber.ExitAsync();
        Assert.Equal(0, received.ExitCode);
        Assert.Contains("hello-live", received.Output);
    }

    [Fact]
    public async Task Stop_saves_persistence_and_StartAgain_serves_it_on_the_same_port()
    {
        await using var server = await MosquittoServer.StartAsync();
        var port = server.Port;
        Assert.Equal(0, (await PublishAsync(server.Host, port, "-t", "fixture/kept", "-m", "kept-across-restart", "-r", "-q", "1")).ExitCode);

        await server.StopAsync();
        Assert.False(await AcceptsTcpAsync(server.Host, port));
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "mosquitto.db")));

        await server.StartAgainAsync();
        Assert.Equal(port, server.Port);
        using var subscriber = await SubscribeAsync(server.Host, port, "-t", "fixture/kept", "-C", "1");
        var received = await subscriber.ExitAsync();
        Assert.Contains("kept-across-restart", received.Output);
    }

    [Fact]
    public async Task Kill_stops_the_broker_at_once_and_StartAgain_brings_it_back()
    {
        await using var server = await MosquittoServer.StartAsync(new MosquittoOptions { Persistence = false });

        await server.KillAsync();
        Assert.False(await AcceptsTcpAsync(server.Host, server.Port));
        Assert.DoesNotContain("terminating", server.ReadLog()); // SIGKILL: no orderly shutdown was logged

        await server.StartAgainAsync();
        Assert.Equal(0, (await PublishAsync(server.Host, server.Port, "-t", "fixture/after-kill", "-m", "x")).ExitCode);
    }

    [Fact]
    public async Task Users_turn_off_anonymous_access()
    {
        await using var server = await MosquittoServer.StartAsync(new MosquittoOptions
        {
            Users = new Dictionary<string, string> { ["tag-0001"] = "s3cret pass" },
        });

        var anonymous = await PublishAsync(server.Host, server.Port, "-t", "fixture/auth", "-m", "x");
        var wrongPassword = await PublishAsync(server.Host, server.Port, "-t", "fixture/auth", "-m", "x", "-u", "tag-0001", "-P", "wrong");
        var rightPassword = await PublishAsync(server.Host, server.Port, "-t", "fixture/auth", "-m", "x", "-u", "tag-0001", "-P", "s3cret pass");

        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.Contains("not authori", anonymous.Output);
        Assert.NotEqual(0, wrongPassword.ExitCode);
        Assert.Equal(0, rightPassword.ExitCode);
    }

    [Fact]
    public async Task ExtraConfig_lines_reach_the_broker()
    {
        await using var server = await MosquittoServer.StartAsync(new MosquittoOptions { ExtraConfig = ["retain_available false"] });

        var retained = await PublishAsync(server.Host, server.Port, "-t", "fixture/retain", "-m", "x", "-r", "-q", "1");
        var plain = await PublishAsync(server.Host, server.Port, "-t", "fixture/retain", "-m", "x", "-q", "1");

        Assert.NotEqual(0, retained.ExitCode);
        Assert.Equal(0, plain.ExitCode);
    }

    [Fact]
    public async Task Explicit_port_is_used()
    {
        var port = FreePort.Get();
        await using var server = await MosquittoServer.StartAsync(new MosquittoOptions { Port = port });

        Assert.Equal(port, server.Port);
        Assert.Equal(0, (await PublishAsync("127.0.0.1", port, "-t", "fixture/port", "-m", "x")).ExitCode);
    }

    [Fact]
    public async Task A_broker_that_cannot_start_fails_with_its_log()
    {
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            MosquittoServer.StartAsync(new MosquittoOptions { ExtraConfig = ["no_such_option 1"] }));

        Assert.Contains("mosquitto exited", error.Message);
        Assert.Contains("no_such_option", error.Message);
    }

    [Fact]
    public async Task Dispose_stops_the_broker_and_deletes_its_directory()
    {
        var server = await MosquittoServer.StartAsync();
        var directory = server.DataDirectory;
        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "tracking-tests"), directory);
        Assert.True(File.Exists(server.LogPath));

        await server.DisposeAsync();

        Assert.False(Directory.Exists(directory));
        Assert.False(await AcceptsTcpAsync(server.Host, server.Port));
    }

    internal static async Task<bool> AcceptsTcpAsync(string host, int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port).WaitAsync(TimeSpan.FromSeconds(10));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
