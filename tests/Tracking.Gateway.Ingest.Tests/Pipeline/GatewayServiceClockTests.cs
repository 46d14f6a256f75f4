using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Support;
using Tracking.Influx;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// The pipeline runs on the clock it is given: with a manual one, "influxdb unreachable" appears exactly when the clock
/// passes Health:InfluxUnreachableAfter, and the retries of InfluxDB and of the broker wait on it too.
/// </summary>
public sealed class GatewayServiceClockTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "clock-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private void SpoolOneMessage()
    {
        using DiskSpool spool = DiskSpool.Open(new SpoolOptions { Directory = _dir });
        Assert.True(spool.TryAppend(SpoolRecords.Of("tracking/v1/fleet/CSQU3054383/tag-1/telemetry",
            """{"v":1,"boot":1,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,4.5,55.0,1013.2,0.1]]}""", 1_732_700_000_000)));
        Assert.True(spool.Commit());
    }

    [Fact]
    public async Task Influxdb_unreachable_is_reported_when_the_clock_passes_the_limit_and_not_before()
    {
        SpoolOneMessage(); // a write for InfluxDB, which does not answer (nothing listens on its port), nor does the broker
        int[] ports = [FreePort.Get(), FreePort.Get()]; // nothing listens on either (the same port twice would do too)
        var clock = new ManualTimeProvider();
        var service = new GatewayService(
            Options.Create(new MqttOptions { Url = $"mqtt://127.0.0.1:{ports[0]}" }),
            Options.Create(new IngestOptions()),
            Options.Create(new SpoolOptions { Directory = _dir }),
            Options.Create(new InfluxOptions { Url = new Uri($"http://127.0.0.1:{ports[1]}"), Database = "db" }),
            Options.Create(new HealthOptions { InfluxUnreachableAfter = TimeSpan.FromSeconds(30) }),
            NullLoggerFactory.Instance,
            writer: Options.Create(new WriterOptions { ShutdownFlushTimeout = TimeSpan.Zero }),
            time: clock);
        await service.StartAsync(CancellationToken.None);
        try
        {
            // Both clients failed their first attempt and wait their backoff on the manual clock (200 ms at most).
            // (The health sampler's first sample is due at once: a zero timer, not a backoff.)
            await Poll.UntilAsync(() => clock.PendingTimers.Count(t => t > TimeSpan.Zero && t <= TimeSpan.FromMilliseconds(200)) == 2,
                "the broker's and InfluxDB's retries wait on the clock", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(10));

            // The periodic work waits on the same clock: the health sampler (first sample at once, then every
            // DeadLetterWindow/60), the stats writer (StatsInterval) and the summary line (SummaryInterval).
            IReadOnlyList<TimeSpan> timers = clock.PendingTimers;
            Assert.Contains(TimeSpan.Zero, timers);
            Assert.Contains(new IngestOptions().StatsInterval, timers);
            Assert.Contains(new IngestOptions().SummaryInterval, timers);
            clock.Advance(TimeSpan.Zero);
            Assert.Contains(new HealthOptions().DeadLetterWindow / 60, clock.PendingTimers);

            for (int second = 0; second < 29; second++) clock.Advance(TimeSpan.FromSeconds(1));
            var health = service.Health();
            Assert.Equal(29, health.InfluxUnreachableSeconds, 3);
            Assert.DoesNotContain(health.Problems, p => p.StartsWith("influxdb unreachable", StringComparison.Ordinal));
            Assert.Contains("mqtt not connected", health.Problems);

            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Contains(service.Health().Problems, p => p.StartsWith("influxdb unreachable for 30 s", StringComparison.Ordinal));
        }
        finally
        {
            // The stop's deadlines run on the same clock: keep it moving until the service is down.
            using var stopped = new CancellationTokenSource();
            Task ticking = Task.Run(async () =>
            {
                while (!stopped.IsCancellationRequested)
                {
                    clock.Advance(TimeSpan.FromSeconds(1));
                    await Task.Delay(5);
                }
            });
            await service.StopAsync(CancellationToken.None);
            await stopped.CancelAsync();
            await ticking;
        }

        Assert.Null(service.Failure);
    }
}
