using Tracking.Testing;

namespace Tracking.Gateway.Tests.Hosting;

/// <summary>
/// The gateway runs socket completions on the runtime's socket threads (SocketCompletions, issue 11) unless the operator
/// set DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS. Seen from outside through what the setting changes in the process:
/// with it the runtime starts one socket event thread per processor (".NET Sockets"), without it one for up to 30 (on
/// one processor the two are alike: this machine and CI have two).
/// </summary>
public sealed class SocketCompletionsTests
{
    [Fact]
    public async Task The_gateway_runs_socket_completions_inline_unless_the_operator_said_otherwise()
    {
        int byDefault = await SocketThreadsAsync(env: null);
        int refused = await SocketThreadsAsync(new Dictionary<string, string> { ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "0" });
        Assert.Equal(Environment.ProcessorCount, byDefault);
        Assert.Equal(1, refused);
    }

    [Fact]
    public void The_operators_own_setting_stands()
    {
        string? before = Environment.GetEnvironmentVariable(SocketCompletions.Variable);
        try
        {
            Environment.SetEnvironmentVariable(SocketCompletions.Variable, "0");
            Assert.False(SocketCompletions.PreferInline());
            Assert.Equal("0", Environment.GetEnvironmentVariable(SocketCompletions.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketCompletions.Variable, before);
        }
    }

    /// <summary>Starts the gateway (no broker: it retries), waits until its listener answered, counts its socket threads.</summary>
    private static async Task<int> SocketThreadsAsync(IDictionary<string, string>? env)
    {
        string dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "socket-completions-" + Guid.NewGuid().ToString("N"));
        int httpPort = FreePort.Get();
        using var gateway = GatewayProcess.Start(env,
            "--mqtt-url", $"mqtt://127.0.0.1:{FreePort.Get()}", "--influx-url", $"http://127.0.0.1:{FreePort.Get()}",
            "--influx-db", "tracking", "--stats-interval", "0", "--spool-dir", Path.Combine(dir, "spool"),
            "--http-url", $"http://127.0.0.1:{httpPort}");
        try
        {
            return await CountAsync(gateway, httpPort);
        }
        finally
        {
            gateway.Dispose();
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<int> CountAsync(GatewayProcess gateway, int httpPort)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Poll.UntilAsync(async () =>
        {
            try
            {
                return (await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/healthz"))).StatusCode != 0;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the gateway's listener answered");
        return Directory.GetDirectories($"/proc/{gateway.Id}/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).Trim() == ".NET Sockets");
    }
}
