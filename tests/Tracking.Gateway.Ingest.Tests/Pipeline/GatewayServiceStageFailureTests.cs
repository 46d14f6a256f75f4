using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Consumers;
using Tracking.Influx;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// A stage that fails (here the spool's readers: the spool directory deleted under the running gateway, so the segment a
/// reader opens is gone) stops the service with the failure recorded. Before, ingest ran on the host's token alone and the
/// stop waited for it forever: nothing logged, no exit, /healthz ok, the spooled records never read (the proxy-influx
/// stall, docs/reliability.md). Real mosquitto: the stages are awaited only once the subscription is made.
/// </summary>
public sealed class GatewayServiceStageFailureTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "stage-failure-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (DirectoryNotFoundException) { }
    }

    [Fact]
    public async Task A_reader_that_fails_stops_the_service_with_the_failure_instead_of_hanging_healthy()
    {
        await using MosquittoServer broker = await MosquittoServer.StartAsync();
        var consumer = new RecordingConsumer("rules");
        var service = new GatewayService(
            Options.Create(new MqttOptions { Url = $"mqtt://127.0.0.1:{broker.Port}", ClientId = "gw-stage-failure" }),
            Options.Create(new IngestOptions()),
            Options.Create(new SpoolOptions { Directory = _dir }),
            // Nothing listens there; the writer fails reading the spool before it would write.
            Options.Create(new InfluxOptions { Url = new Uri($"http://127.0.0.1:{FreePort.Get()}"), Database = "db" }),
            Options.Create(new HealthOptions()),
            NullLoggerFactory.Instance,
            writer: Options.Create(new WriterOptions { ShutdownFlushTimeout = TimeSpan.Zero }),
            consumers: [consumer]);
        await service.StartAsync(CancellationToken.None);
        try
        {
            await service.Started.WaitAsync(TimeSpan.FromSeconds(30));
            Directory.Delete(_dir, recursive: true); // the active segment stays open for ingest; a reader's open fails

            await using var tag = new MqttClient(new MqttClientOptions
            {
                Host = "127.0.0.1", Port = broker.Port, ProtocolVersion = MqttProtocolVersion.V500, ClientId = "tag-1",
            });
            await tag.ConnectAsync();
            await tag.PublishAsync("tracking/v1/fleet/CSQU3054383/tag-1/telemetry",
                Encoding.UTF8.GetBytes("""{"v":1,"boot":1,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,4.5,55.0,1013.2,0.1]]}"""));

            await Poll.UntilAsync(() => service.Failure is not null, "the service records the readers' failure and stops",
                TimeSpan.FromSeconds(30), detail: () => $"received {service.Metrics.Received}, spooled {service.Metrics.Spooled}");
            Assert.Equal(ExitCodes.Crash, service.Failure!.ExitCode);
            Assert.Contains("NotFoundException", service.Failure.Message, StringComparison.Ordinal);
            Assert.Equal(1, service.Metrics.Spooled); // ingest took the message before it stopped
            await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Empty(consumer.Messages);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}
