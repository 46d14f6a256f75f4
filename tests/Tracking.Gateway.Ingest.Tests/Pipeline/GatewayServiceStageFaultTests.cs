using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Ingest.Tests.Support;
using Tracking.Influx;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// A stage of the pipeline that fails unexpectedly never leaves the gateway running beside it: a failed writer, stats or
/// ingest stage stops the service with exit code 1 (the host is asked to stop; Program.cs exits with the code), and
/// every other stage is stopped too; a failed consumer stage is started again from its checkpoint and gets its records.
/// The failures are injected by wrapping the stage's run (<see cref="GatewayService.StageWrapper"/>).
/// </summary>
public sealed class GatewayServiceStageFaultTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30); // only against a hang, never a measurement

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "stagefault-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private void SpoolOneMessage()
    {
        using DiskSpool spool = DiskSpool.Open(new SpoolOptions { Directory = _dir }, readers: [DiskSpool.WriterReader, RecordingConsumer.ReaderName]);
        Assert.True(spool.TryAppend(SpoolRecords.Of("tracking/v1/fleet/CSQU3054383/tag-1/telemetry",
            """{"v":1,"boot":1,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,4.5,55.0,1013.2,0.1]]}""", 1_732_700_000_000)));
        Assert.True(spool.Commit());
    }

    private GatewayService Service(int brokerPort, StoppingLifetime lifetime, params ISpoolConsumer[] consumers) =>
        Service(brokerPort, lifetime, new IngestOptions(), consumers);

    private GatewayService Service(int brokerPort, StoppingLifetime lifetime, IngestOptions ingest, params ISpoolConsumer[] consumers) => new(
        Options.Create(new MqttOptions { Url = $"mqtt://127.0.0.1:{brokerPort}", ClientId = "gw-stagefault" }),
        Options.Create(ingest),
        Options.Create(new SpoolOptions { Directory = _dir }),
        Options.Create(new InfluxOptions { Url = new Uri($"http://127.0.0.1:{FreePort.Get()}"), Database = "db" }),
        Options.Create(new HealthOptions()),
        NullLoggerFactory.Instance,
        lifetime,
        writer: Options.Create(new WriterOptions { ShutdownFlushTimeout = TimeSpan.Zero }),
        consumers: consumers);

    [Theory]
    [InlineData("writer")]
    [InlineData("stats")]
    public async Task A_stage_that_fails_before_the_broker_answers_stops_the_gateway_with_exit_code_1(string failing)
    {
        // Nothing listens on the broker's port: the service would retry the connect for ever beside a dead stage.
        var lifetime = new StoppingLifetime();
        GatewayService service = Service(FreePort.Get(), lifetime);
        service.StageWrapper = (stage, run) => stage == failing
            ? async ct => { await Task.Yield(); throw new InvalidOperationException("injected " + stage + " fault"); }
            : run;
        await service.StartAsync(CancellationToken.None);

        await service.ExecuteTask!.WaitAsync(Patience);
        Assert.True(lifetime.StopRequested);
        Assert.NotNull(service.Failure);
        Assert.Equal(ExitCodes.Crash, service.Failure.ExitCode);
        Assert.Equal($"the {failing} stage failed: InvalidOperationException: injected {failing} fault", service.Failure.Message);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_failed_ingest_stage_stops_every_other_stage_and_the_gateway_with_exit_code_1()
    {
        await using MosquittoServer broker = await MosquittoServer.StartAsync();
        var lifetime = new StoppingLifetime();
        GatewayService service = Service(broker.Port, lifetime);
        var writerStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        service.StageWrapper = (stage, run) => stage switch
        {
            "ingest" => async ct => { await Task.Yield(); throw new InvalidOperationException("injected ingest fault"); },
            "writer" => async ct =>
            {
                try
                {
                    await run(ct);
                }
                finally
                {
                    if (ct.IsCancellationRequested) writerStopped.TrySetResult(); // ended because it was stopped
                }
            },
            _ => run,
        };
        await service.StartAsync(CancellationToken.None);

        await service.ExecuteTask!.WaitAsync(Patience);
        Assert.True(writerStopped.Task.IsCompleted, $"the writer was left running beside the failed ingest stage ({service.Failure})");
        Assert.True(lifetime.StopRequested);
        Assert.Equal(ExitCodes.Crash, service.Failure?.ExitCode);
        Assert.StartsWith("the ingest stage failed: InvalidOperationException", service.Failure!.Message);
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_consumer_stage_that_fails_is_started_again_from_its_checkpoint_and_the_gateway_keeps_running()
    {
        SpoolOneMessage();
        var lifetime = new StoppingLifetime();
        var consumer = new RecordingConsumer();
        GatewayService service = Service(FreePort.Get(), lifetime, consumer);
        int starts = 0;
        service.StageWrapper = (stage, run) => stage == "consumer " + RecordingConsumer.ReaderName
            ? async ct =>
            {
                if (Interlocked.Increment(ref starts) <= 2) throw new IOException("injected consumer stage fault");
                await run(ct);
            }
            : run;
        await service.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => consumer.Received == 1, "the restarted consumer stage hands over the spooled message", Patience);
            Assert.Equal(3, Volatile.Read(ref starts));
            Assert.Equal(2, service.Metrics.StageRestarts);
            Assert.False(service.ExecuteTask!.IsCompleted);
            Assert.False(lifetime.StopRequested);
            Assert.Null(service.Failure);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Null(service.Failure);
    }

    [Fact]
    public async Task A_gateway_with_its_stats_switched_off_keeps_running()
    {
        // Ingest:StatsInterval 0 switches the stats stage off: it is no stage that "ended although nothing stopped it"
        // (the merge of the stage supervision stopped every such gateway at once with exit code 1).
        SpoolOneMessage();
        var lifetime = new StoppingLifetime();
        var consumer = new RecordingConsumer();
        GatewayService service = Service(FreePort.Get(), lifetime, new IngestOptions { StatsInterval = TimeSpan.Zero }, consumer);
        await service.StartAsync(CancellationToken.None);
        try
        {
            await Poll.UntilAsync(() => consumer.Received == 1, "the consumer gets the spooled message", Patience);
            Assert.Null(service.Failure);
            Assert.False(lifetime.StopRequested);
            Assert.False(service.ExecuteTask!.IsCompleted);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Null(service.Failure);
    }

    private sealed class RecordingConsumer : ISpoolConsumer
    {
        public const string ReaderName = "probe";
        private int _received;

        public string Name => ReaderName;

        public int Received => Volatile.Read(ref _received);

        public ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct)
        {
            Interlocked.Add(ref _received, messages.Count);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class StoppingLifetime : IHostApplicationLifetime
    {
        private volatile bool _stopRequested;

        public bool StopRequested => _stopRequested;

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopRequested = true;
    }
}
