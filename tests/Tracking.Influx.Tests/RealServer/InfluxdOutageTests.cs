using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;
using Tracking.Testing;

namespace Tracking.Influx.Tests.RealServer;

/// <summary>Stops and kills its own influxd (a fixture of this class only) while writing.</summary>
public class InfluxdOutageTests(InfluxdFixture fixture) : IClassFixture<InfluxdFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);

    private InfluxdServer Server => fixture.Server;

    [Fact]
    public async Task Writes_during_a_stop_are_retried_until_the_server_is_back_and_nothing_is_lost()
    {
        var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var http = new HttpClient(new FailureSignallingHandler(() => refused.TrySetResult())
        {
            InnerHandler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(1), UseProxy = false },
        });
        using RealInflux influx = await RealInflux.CreateAsync(Server, http: http);

        using (LineProtocolBuffer before = Readings(influx, 0, 50))
        {
            Assert.True((await influx.Writer.WriteAsync(before).WaitAsync(Generous)).IsSettled);
        }

        Assert.Equal(50, influx.Writer.Metrics.LinesWritten);

        await Server.StopAsync();
        using LineProtocolBuffer during = Readings(influx, 50, 100);
        Task<WriteResult> write = influx.Writer.WriteAsync(during);

        await refused.Task.WaitAsync(Generous);
        Assert.False(write.IsCompleted);

        await Server.StartAgainAsync();
        WriteResult result = await write.WaitAsync(Generous);

        Assert.All(result.Lines, line => Assert.Equal(LineWriteStatus.Written, line.Status));
        Assert.Equal(Enumerable.Range(50, 50).Select(i => (long)i), result.Lines.Select(l => l.ItemId));
        Assert.True(influx.Writer.Metrics.Retries > 0);
        Assert.Equal(100, await influx.CountAsync("env"));
    }

    [Fact]
    public async Task A_server_back_from_an_outage_is_written_to_at_its_first_answered_ping_not_after_the_whole_backoff()
    {
        var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var http = new HttpClient(new FailureSignallingHandler(() => refused.TrySetResult())
        {
            InnerHandler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(1), UseProxy = false },
        });
        // a backoff of 5-10 minutes after the first refusal: only the probe can bring the write back within this test
        using RealInflux influx = await RealInflux.CreateAsync(Server, o =>
        {
            o.Retry.InitialDelay = o.Retry.MaxDelay = TimeSpan.FromMinutes(10);
            o.Retry.ProbeInterval = TimeSpan.FromMilliseconds(200);
        }, http);

        await Server.StopAsync();
        using LineProtocolBuffer during = Readings(influx, 0, 40);
        Task<WriteResult> write = influx.Writer.WriteAsync(during);
        await refused.Task.WaitAsync(Generous);
        await Server.StartAgainAsync();

        WriteResult result = await write.WaitAsync(Generous);

        Assert.All(result.Lines, line => Assert.Equal(LineWriteStatus.Written, line.Status));
        Assert.Equal(1, influx.Writer.Metrics.ProbesAnswered);
        Assert.Equal(40, await influx.CountAsync("env"));
    }

    [Fact]
    public async Task Acknowledged_writes_survive_a_kill_and_restart()
    {
        using RealInflux influx = await RealInflux.CreateAsync(Server);
        using (LineProtocolBuffer lines = influx.Writer.CreateBuffer())
        {
            for (int i = 0; i < 300; i++)
            {
                lines.BeginLine("env", i).Tag("id", "c" + (i % 3)).FloatField("v", i).End(1718100000000 + i);
            }

            Assert.True((await influx.Writer.WriteAsync(lines)).IsSettled);
        }

        await Server.KillAsync();
        await Server.StartAgainAsync();

        Assert.Equal(300, await influx.CountAsync("env"));
    }

    private static LineProtocolBuffer Readings(RealInflux influx, int from, int to)
    {
        LineProtocolBuffer lines = influx.Writer.CreateBuffer();
        for (int n = from; n < to; n++)
        {
            lines.BeginLine("env", n).Tag("id", "c" + (n % 5)).FloatField("v", n).End(1718100000000 + n);
        }

        return lines;
    }
}
