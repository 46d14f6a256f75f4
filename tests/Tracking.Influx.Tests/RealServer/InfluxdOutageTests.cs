using Tracking.Influx.Batching;
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
        await using var batches = new InfluxBatchWriter(influx.Writer,
            new InfluxBatchOptions { MaxBatchLines = 20, FlushInterval = TimeSpan.FromMilliseconds(50) });
        LineEncoder<int> reading = static (b, n) => b.BeginLine("env").Tag("id", "c" + (n % 5)).FloatField("v", n).End(1718100000000 + n);

        for (int i = 0; i < 50; i++)
        {
            await batches.AddAsync(i, i, reading);
        }

        await batches.FlushAsync().WaitAsync(Generous);
        Assert.Equal(50, influx.Writer.Metrics.LinesWritten);

        await Server.StopAsync();
        var tickets = new List<BatchTicket>();
        for (int i = 50; i < 100; i++)
        {
            tickets.Add(await batches.AddAsync(i, i, reading));
        }

        await refused.Task.WaitAsync(Generous);
        Assert.DoesNotContain(tickets, t => t.Completion.IsCompleted);

        await Server.StartAgainAsync();
        await Task.WhenAll(tickets.Select(t => t.Completion)).WaitAsync(Generous);

        foreach (BatchTicket ticket in tickets)
        {
            Assert.Equal(LineWriteStatus.Written, (await ticket.GetOutcomeAsync()).Status);
        }

        Assert.True(influx.Writer.Metrics.Retries > 0);
        Assert.Equal(100, await influx.CountAsync("env"));
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

    /// <summary>Calls back whenever a request fails at the network level (e.g. connection refused).</summary>
    private sealed class FailureSignallingHandler(Action onFailure) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException)
            {
                onFailure();
                throw;
            }
        }
    }
}
