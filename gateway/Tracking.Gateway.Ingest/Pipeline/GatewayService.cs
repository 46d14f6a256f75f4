using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Dedupe;
using Tracking.Gateway.Ingest.Group;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Influx;
using Tracking.Influx.Writing;
using Tracking.Mqtt;
using Tracking.Mqtt.Packets;
using Tracking.Retry;

namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>
/// Runs the pipeline: MQTT subscription -> <see cref="IngestStage"/> -> <see cref="DiskSpool"/> -> <see cref="WriterStage"/>
/// -> InfluxDB. Shutdown order: stop consuming (commit and acknowledge what was taken), write the spool out within
/// <see cref="WriterOptions.ShutdownFlushTimeout"/>, disconnect from the broker (the persistent session keeps
/// what was not acknowledged).
/// </summary>
public sealed partial class GatewayService : BackgroundService, IAcknowledger
{
    private readonly MqttOptions _mqtt;
    private readonly IngestOptions _ingest;
    private readonly WriterOptions _writerOptions;
    private readonly SpoolOptions _spoolOptions;
    private readonly InfluxOptions _influx;
    private readonly DeadLetterOptions _deadLetterOptions;
    private readonly TagRateLimitOptions _rateLimit;
    private readonly GatewayHealth _health;
    private readonly TimeSpan _healthSampling;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly ISpoolConsumer[] _consumers;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MqttClient? _client;
    private GroupTakeover? _takeover;
    private PeerSpoolAdopter? _adopter;
    private DiskSpool? _spool;
    private DeadLetterFile? _deadLetters;
    private WriterStage? _writer;
    private volatile string? _spoolError;
    private volatile string? _brokerRefusal;

    public GatewayService(IOptions<MqttOptions> mqtt, IOptions<IngestOptions> ingest, IOptions<SpoolOptions> spool,
        IOptions<InfluxOptions> influx, IOptions<HealthOptions> health, ILoggerFactory loggers, IHostApplicationLifetime? lifetime = null,
        IOptions<DeadLetterOptions>? deadLetters = null, IOptions<WriterOptions>? writer = null, TimeProvider? time = null,
        IEnumerable<ISpoolConsumer>? consumers = null, IOptions<TagRateLimitOptions>? rateLimit = null)
    {
        _rateLimit = rateLimit?.Value ?? new TagRateLimitOptions();
        _consumers = consumers?.ToArray() ?? [];
        // Drained peers' spools feed the same consumers from a second stage: one call at a time (SerializedConsumer).
        if (spool.Value.Peers.Length > 0) _consumers = [.. _consumers.Select(c => new SerializedConsumer(c))];
        _deadLetterOptions = deadLetters?.Value ?? new DeadLetterOptions();
        _lifetime = lifetime;
        // The one clock of the pipeline (AddIngest registers TimeProvider.System): health timers, the clients' retry waits,
        // the stages' timers, so all of them run on a fake clock in tests.
        _time = time ?? TimeProvider.System;
        _health = new GatewayHealth(health.Value, _time);
        _healthSampling = health.Value.DeadLetterWindow / 60;
        _mqtt = mqtt.Value;
        _ingest = ingest.Value;
        _writerOptions = writer?.Value ?? new WriterOptions();
        _spoolOptions = spool.Value;
        _influx = influx.Value;
        _loggers = loggers;
        _logger = loggers.CreateLogger<GatewayService>();
    }

    public GatewayMetrics Metrics { get; } = new();

    /// <summary>Completes when the spool is open and the subscription is made (tests wait for it).</summary>
    public Task Started => _started.Task;

    public DiskSpool? Spool => _spool;

    /// <summary>Set when the pipeline stopped for good; the process then exits with its code (Program.cs).</summary>
    public GatewayFailure? Failure { get; private set; }

    public string? DeadLetterPath => _deadLetters?.Path;

    async ValueTask IAcknowledger.AcknowledgeAsync(ReadOnlyMemory<MqttMessage> messages, CancellationToken ct)
    {
        if (_client is not null) await _client.AcknowledgeAsync(messages, ct).ConfigureAwait(false);
        // Messages drained from a dead member's session are acknowledged on that session's connection.
        if (_takeover is not null) await _takeover.AcknowledgeAsync(messages, ct).ConfigureAwait(false);
    }

    /// <summary>Empty when healthy, else why not (<see cref="GatewayHealth"/>).</summary>
    public IReadOnlyList<string> HealthProblems() => Health().Problems;

    /// <summary>The problems and the values behind them (the gauges of /metrics).</summary>
    public HealthSnapshot Health()
    {
        // Dropped letters are refused messages too: a flood beyond the bound must still show in the rate.
        HealthSnapshot health = _health.Evaluate(_client is { IsConnected: true }, _spool,
            (_deadLetters?.Count ?? 0) + (_deadLetters?.Dropped ?? 0), _deadLetters?.Error,
            _writer?.UnreachableFor ?? TimeSpan.Zero, _writer?.StalledFor() ?? TimeSpan.Zero);
        List<string>? extra = null;
        if (_spoolError is { } error) (extra ??= []).Add("spool error: " + error);
        if (_brokerRefusal is { } refusal) (extra ??= []).Add(refusal);
        return extra is null ? health : health with { Problems = [.. health.Problems, .. extra] };
    }

    public MqttClientCounters? MqttCounters => _client?.Counters;

    public void WriteMetrics(StringBuilder text)
    {
        long connects = _client?.Counters.Connects ?? 0;
        Metrics.WritePrometheus(text, new GatewayMetrics.Gauges(
            _client?.IsConnected ?? false, Math.Max(0, connects - 1), _spool?.PendingRecords ?? 0, _spool?.DiskBytes ?? 0,
            _spool?.IsFull ?? false, _deadLetters?.Count ?? 0, Health(), _deadLetters?.Dropped ?? 0, _deadLetters?.Rotations ?? 0,
            _spool is { } spool ? [.. spool.Readers.Select(r => KeyValuePair.Create(r, spool.PendingRecordsOf(r)))] : null,
            _client?.Counters.MessagesReceived, _client is { } client ? client.Messages.Count : null));
        _takeover?.WriteMetrics(text);
        _adopter?.WriteMetrics(text);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunPipelineAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Not rethrown: the host would log it with a stack trace and still exit 0. Record why, log one line (the
            // trace only for a bug), and stop the host; Program.cs exits with the failure's code.
            Failure = ex switch
            {
                SpoolUnusableException => new GatewayFailure(ExitCodes.Storage, ex.Message),
                StageFailedException => new GatewayFailure(ExitCodes.Crash, ex.Message),
                ArgumentException => new GatewayFailure(ExitCodes.Configuration, "invalid configuration: " + ex.Message),
                _ => new GatewayFailure(ExitCodes.Crash, $"stopped by an unexpected error: {ex.GetType().Name}: {ex.Message}"),
            };
            _spoolError ??= ex.Message;
            _started.TrySetException(ex);
            if (ex is StageFailedException stage) LogStageFailed(_logger, stage.Stage, stage.InnerException!.Message, stage.InnerException);
            else if (Failure.ExitCode == ExitCodes.Crash) LogCrashed(_logger, ex);
            else LogFatal(_logger, Failure.Message);
            _lifetime?.StopApplication();
        }
    }

    private async Task RunPipelineAsync(CancellationToken stoppingToken)
    {
        // The settings were validated at start (AddIngest's validators, ValidateOnStart).
        try
        {
            // The writer and every consumer read the spool at their own pace, each from its own checkpoint.
            string[] readers = [DiskSpool.WriterReader, .. _consumers.Select(c => c.Name)];
            _spool = await OpenSpoolAsync(readers, stoppingToken).ConfigureAwait(false);
            _deadLetters = new DeadLetterFile(_spoolOptions.Directory, _time, _deadLetterOptions);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _spool?.Dispose();
            _spool = null;
            throw new SpoolUnusableException($"spool directory '{Path.GetFullPath(_spoolOptions.Directory)}' cannot be used: {ex.Message}", ex);
        }

        using var influx = new InfluxWriter(_influx, deadLetters: _deadLetters, logger: _loggers.CreateLogger<InfluxWriter>(), timeProvider: _time);
        var sink = new InfluxLineSink(influx);
        // One writer per spool read (this gateway's, and each dead peer's it adopts), all into the one InfluxDB writer.
        WriterStage NewWriter(DiskSpool spool) => new(spool, sink, _deadLetters, Metrics, _writerOptions.BatchLines,
            _writerOptions.MaxDelay, _writerOptions.Concurrency, _ingest.StrictContainerIds, _loggers.CreateLogger<WriterStage>(), time: _time,
            loadLinesPerSecond: _writerOptions.LoadLinesPerSecond);
        WriterStage writer = NewWriter(_spool);
        _writer = writer;

        var options = new MqttClientOptions
        {
            ClientId = _mqtt.ClientId,
            CleanStart = false,
            SessionExpirySeconds = _mqtt.SessionExpirySeconds,
            ManualAcknowledgement = true,
            // The ingest stage gives every payload back once it is spooled or dead-lettered: no array per message.
            PooledPayloads = true,
            KeepAlive = TimeSpan.FromSeconds(_mqtt.KeepAliveSeconds),
            // Bounded by the spool's group commit, so a full spool stops the socket reads quickly.
            IncomingQueueCapacity = Math.Max(2 * _spoolOptions.CommitMaxMessages, 1000),
            ReceiveMaximum = 1000,
            MaximumPacketSize = _mqtt.MaxPacketBytes,
            // Fewer socket reads and wake-ups per message under load (issue 11); never delays a quiet connection.
            ReceiveCoalesceDelay = _mqtt.ReceiveCoalesceDelay,
        };
        // Address, credentials and TLS (the files were checked at start by the Mqtt section's validator).
        MqttClientSecurity.Apply(_mqtt, options);
        // Scale-out: the gateway's own messages and those drained from dead members' sessions go into one stream for the
        // ingest stage (a copy per message, so only with Mqtt:Takeover on); the will tells the group when we die.
        Channel<MqttMessage>? merged = null;
        if (_mqtt.Takeover)
        {
            options.Will = GroupStatus.Will(_mqtt.SharedGroup, _mqtt.ClientId);
            merged = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(options.IncomingQueueCapacity) { SingleReader = true });
            _takeover = new GroupTakeover(_mqtt, merged.Writer, _loggers, _time);
        }

        _client = new MqttClient(options, _loggers.CreateLogger<MqttClient>(), _time);
        if (_takeover is { } group) _client.Connected += connected => _ = group.AnnounceAsync(_client);
        _client.Connected += _ => _brokerRefusal = null;
        // The client retries every failed connect itself (and logs it); a refusal also becomes a health problem here.
        _client.ConnectFailed += failure => RecordBrokerRefusal(failure.Error, failure.Reconnect ? 0 : failure.Attempt);
        // Before the first message: what the broker redelivers after a crash must meet the keys already spooled.
        var duplicates = new DuplicateFilter(_ingest.DedupeMaxTags, _ingest.DedupeWindowPerTag);
        long refilled = DedupeRefill.Fill(duplicates, _spool, _ingest.StrictContainerIds);
        if (refilled > 0) LogRefilled(_logger, refilled);
        using var writerStop = new CancellationTokenSource();
        // Cancelled by the host's stop or by the first stage that fails: connecting, subscribing, ingest and the pump run
        // on it, so a dead writer (or any stage) can never leave the rest waiting for a stop that does not come.
        using var pipelineStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var failure = new StageFailure(pipelineStop);
        Task writing = failure.Watch("writer", RunStage("writer", writer.RunAsync, writerStop.Token), writerStop.Token);
        var stats = new GatewayStatsWriter(Metrics, _spool, sink, _mqtt.ClientId, _ingest.StatsInterval,
            _loggers.CreateLogger<GatewayStatsWriter>(), _time);
        // Stats switched off (Ingest:StatsInterval 0) is no stage: one that ends at once would count as failed.
        Task sampling = _ingest.StatsInterval > TimeSpan.Zero
            ? failure.Watch("stats", RunStage("stats", stats.RunAsync, writerStop.Token), writerStop.Token)
            : Task.CompletedTask;
        // Consumers run beside the writer from the start: while InfluxDB is down they still get every message.
        // One ring for all of them: each record is decoded into its message once, not once per consumer.
        var ring = new DecodedBatchRing();
        var consumerStages = new Task[_consumers.Length];
        for (int i = 0; i < _consumers.Length; i++)
        {
            ISpoolConsumer consumer = _consumers[i];
            consumerStages[i] = failure.Watch("consumer " + consumer.Name, SuperviseConsumerAsync(consumer, ring, writerStop.Token), writerStop.Token);
        }

        Task[] consuming = consumerStages;
        // Scale-out: the spools of dead peers (Spool:Peers) go through a writer of their own into the same InfluxDB writer,
        // and to the same consumers.
        Task adopting = Task.CompletedTask;
        if (_spoolOptions.Peers.Length > 0)
        {
            _adopter = new PeerSpoolAdopter(_spoolOptions, NewWriter, _consumers, _ingest.StrictContainerIds, _loggers, _time);
            adopting = failure.Watch("spool adoption", RunStage("spool adoption", _adopter.RunAsync, writerStop.Token), writerStop.Token);
        }

        Task ingesting = Task.CompletedTask;
        Task pumping = Task.CompletedTask;
        // Its own token: an ingest stage that failed must not leave the pump waiting for room in a channel nobody reads.
        using var pumpStop = CancellationTokenSource.CreateLinkedTokenSource(pipelineStop.Token);
        using ITimer summary = _time.CreateTimer(_ => LogSummary(), null, _ingest.SummaryInterval, _ingest.SummaryInterval);
        // The dead-letter rate is computed from samples: take them whether or not anybody asks /healthz.
        using ITimer healthSampler = _time.CreateTimer(_ => Health(), null, TimeSpan.Zero, _healthSampling);
        try
        {
            MqttConnectResult connected = await _client.ConnectWithRetryAsync(pipelineStop.Token).ConfigureAwait(false);
            // MQTT 5.0 section 3.2.2.3.19: absent means available. A broker without shared subscriptions (MQTTnet's
            // server, some embedded brokers) would take "$share/..." as a plain filter that matches nothing.
            bool shared = connected.Properties?.SharedSubscriptionAvailable != 0;
            if (!shared) LogNoSharedSubscriptions(_logger, _mqtt.SharedGroup);
            MqttSubscription[] subscriptions = Subscriptions(_mqtt.SharedGroup, shared);
            await _client.SubscribeAsync(subscriptions, pipelineStop.Token).ConfigureAwait(false);
            // mosquitto 2.0 does not restore shared subscriptions from its persistence file although it reports the
            // session as present, and then the client does not subscribe again by itself: renew them on every reconnect.
            _client.Connected += result =>
            {
                if (result.SessionPresent) _ = RenewSubscriptionAsync(subscriptions, stoppingToken);
            };
            LogSubscribed(_logger, string.Join(", ", subscriptions.Select(s => s.TopicFilter)), _spool.PendingRecords);
            if (merged is not null)
            {
                pumping = failure.Watch("takeover pump", RunStage("takeover pump",
                    ct => GroupTakeover.PumpAsync(_client.Messages, merged.Writer, ct), pumpStop.Token), pumpStop.Token);
                _takeover!.Start();
            }

            var ingest = new IngestStage(merged?.Reader ?? _client.Messages, this, _spool, _deadLetters, Metrics, _spoolOptions,
                _ingest.StrictContainerIds, duplicates, _loggers.CreateLogger<IngestStage>(), _time, deadLetterOptions: _deadLetterOptions,
                rateLimiter: _rateLimit.Enabled ? new TagRateLimiter(_rateLimit, _time) : null);
            _started.TrySetResult();
            // On a stage's failure ingest is cancelled like at a stop: it commits and acknowledges what it took.
            ingesting = failure.Watch("ingest", RunStage("ingest", ingest.RunAsync, pipelineStop.Token), pipelineStop.Token);
            // Ingest ends when the pipeline is stopped (by the host or a failed stage) or when it fails itself.
            await ingesting.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (pipelineStop.IsCancellationRequested)
        {
        }
        finally
        {
            // The watched tasks never throw (a failure is recorded in `failure`): each is waited for in turn.
            await pumpStop.CancelAsync().ConfigureAwait(false);
            await pipelineStop.CancelAsync().ConfigureAwait(false);
            await ingesting.ConfigureAwait(false);
            await pumping.ConfigureAwait(false);
            if (_takeover is not null) await _takeover.DisposeAsync().ConfigureAwait(false);
            await writerStop.CancelAsync().ConfigureAwait(false);
            await writing.ConfigureAwait(false);
            // A drain of a peer's spool stops where its checkpoints are: the next survivor or the peer goes on from there.
            await adopting.ConfigureAwait(false);
            // What a consumer had not returned from stays unconfirmed: it gets it again at the next start.
            foreach (Task consumer in consuming) await consumer.ConfigureAwait(false);
            await sampling.ConfigureAwait(false);
            using (var deadline = new CancellationTokenSource(_writerOptions.ShutdownFlushTimeout, _time))
            {
                try
                {
                    await writer.DrainAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    LogFlushTimeout(_logger, _spool.PendingRecords);
                }
                catch (Exception) when (failure.Stage is not null)
                {
                    // A failed writer may fail its drain the same way: what it did not write stays spooled for the next
                    // start, and the rest of the stop (the broker, the spool) must still happen.
                }
            }

            if (_takeover is not null)
            {
                // A stopped member is offline too: mosquitto keeps queueing its share until a survivor takes it over.
                try { await _client.DisconnectAsync(MqttReasonCode.DisconnectWithWillMessage).ConfigureAwait(false); } catch (Exception) { }
            }

            await _client.DisposeAsync().ConfigureAwait(false);
            LogSummary();
            _deadLetters.Dispose();
            _spool.Dispose();
        }

        if (failure.Stage is { } stage) throw new StageFailedException(stage, failure.Error!);
    }

    /// <summary>How often a spool locked by another process is tried again.</summary>
    internal static readonly TimeSpan SpoolLockRetry = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Opens the spool, waiting while another process holds its lock: a survivor draining it after this gateway died
    /// (Spool:Peers of another gateway), then this gateway finds it drained; or a second gateway on the same directory by
    /// mistake. Either way appending now would race the holder; the wait is logged and is a health problem meanwhile.
    /// </summary>
    private async Task<DiskSpool> OpenSpoolAsync(string[] readers, CancellationToken ct)
    {
        long waitingSince = 0;
        while (true)
        {
            try
            {
                DiskSpool spool = DiskSpool.Open(_spoolOptions, _loggers.CreateLogger<DiskSpool>(), readers);
                if (waitingSince != 0)
                {
                    _spoolError = null;
                    LogSpoolUnlocked(_logger, spool.Directory, _time.GetElapsedTime(waitingSince).TotalSeconds);
                }

                return spool;
            }
            catch (SpoolLockedException ex)
            {
                if (waitingSince == 0)
                {
                    waitingSince = _time.GetTimestamp();
                    _spoolError = ex.Message;
                    LogSpoolLocked(_logger, Path.GetFullPath(ex.Directory), SpoolLockRetry.TotalSeconds);
                }
            }

            await Task.Delay(SpoolLockRetry, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>For tests: wraps each stage's run (its name, e.g. "writer", "ingest", "consumer rules") to make it fail.</summary>
    internal Func<string, Func<CancellationToken, Task>, Func<CancellationToken, Task>>? StageWrapper { get; set; }

    private async Task RunStage(string stage, Func<CancellationToken, Task> run, CancellationToken ct)
    {
        if (StageWrapper is { } wrap) run = wrap(stage, run);
        await run(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a consumer's stage, and a new one from its checkpoint whenever one fails unexpectedly (the consumer's own
    /// failures the stage retries itself): replaying what it had not confirmed is what a restart of the process would do
    /// too, and at-least-once delivery allows it. The waits grow up to <see cref="ConsumerStage.MaxRetryDelay"/> and
    /// start again after a stage that ran that long.
    /// </summary>
    private async Task SuperviseConsumerAsync(ISpoolConsumer consumer, DecodedBatchRing ring, CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), ConsumerStage.MaxRetryDelay);
        string stage = "consumer " + consumer.Name;
        for (int failures = 0; ;)
        {
            long started = _time.GetTimestamp();
            try
            {
                var run = new ConsumerStage(_spool!, consumer, _ingest.StrictContainerIds, _loggers.CreateLogger<ConsumerStage>(), time: null, ring, Metrics);
                await RunStage(stage, run.RunAsync, ct).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                if (_time.GetElapsedTime(started) >= ConsumerStage.MaxRetryDelay) failures = 0;
                TimeSpan delay = backoff.Delay(++failures);
                Metrics.OnStageRestart();
                LogConsumerRestarted(_logger, ex, consumer.Name, failures, delay.TotalMilliseconds);
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The three tag-to-gateway topics of docs/protocol.md section 2 (config and alert are the gateway's own), each as a
    /// shared subscription so that the gateways of one group split the load (section 9); plain filters when the broker
    /// has no shared subscriptions or <paramref name="group"/> is empty (one gateway: mosquitto 2.0 restores a plain
    /// subscription of a persistent session after its restart, a shared one not, README "Brokers").
    /// </summary>
    public static MqttSubscription[] Subscriptions(string group, bool shared = true)
    {
        string prefix = shared && group.Length > 0 ? $"$share/{group}/" : "";
        return
        [
            new($"{prefix}tracking/v1/+/+/+/telemetry", MqttQos.AtLeastOnce),
            new($"{prefix}tracking/v1/+/+/+/event", MqttQos.AtLeastOnce),
            new($"{prefix}tracking/v1/+/+/+/status", MqttQos.AtLeastOnce),
        ];
    }

    private async Task RenewSubscriptionAsync(MqttSubscription[] subscriptions, CancellationToken ct)
    {
        try
        {
            await Task.Yield();
            await _client!.SubscribeAsync(subscriptions, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRenewFailed(_logger, ex.Message);
        }
    }

    /// <summary>
    /// A refusal that retrying alone will not cure (wrong credentials, a certificate that does not check out) becomes a
    /// health problem and an error line with what to check; other failures (broker down) are only logged.
    /// </summary>
    private void RecordBrokerRefusal(Exception ex, int attempt)
    {
        if (BrokerRefusal.Describe(ex) is not { } problem) return;
        _brokerRefusal = problem;
        if (ex is MqttConnectException) LogBrokerRefused(_logger, problem, attempt, _mqtt.Url);
        else LogTlsRefused(_logger, problem, attempt, _mqtt.Url);
    }

    private void LogSummary()
    {
        DiskSpool? spool = _spool;
        LogProgress(_logger, Metrics.Received, Metrics.Spooled, Metrics.Duplicates, Metrics.RejectedTotal, Metrics.LinesWritten,
            spool?.PendingRecords ?? 0, spool?.DiskBytes ?? 0, _client?.IsConnected ?? false);
    }

    [LoggerMessage(EventId = 430, Level = LogLevel.Warning, Message = "Spool directory {Directory} is locked by another process (a peer draining it after this gateway died, or a second gateway on the same directory); waiting for the lock, trying every {Seconds} s")]
    private static partial void LogSpoolLocked(ILogger logger, string directory, double seconds);

    [LoggerMessage(EventId = 431, Level = LogLevel.Information, Message = "Spool directory {Directory} unlocked after {Seconds:0.0} s; starting on it")]
    private static partial void LogSpoolUnlocked(ILogger logger, string directory, double seconds);

    [LoggerMessage(EventId = 406, Level = LogLevel.Critical, Message = "Gateway stopped: {Reason}")]
    private static partial void LogFatal(ILogger logger, string reason);

    [LoggerMessage(EventId = 407, Level = LogLevel.Critical, Message = "Gateway stopped by an unexpected error")]
    private static partial void LogCrashed(ILogger logger, Exception ex);

    [LoggerMessage(EventId = 412, Level = LogLevel.Error, Message = "The stage of spool consumer {Consumer} failed ({Failures} in a row); started again from its checkpoint in {DelayMs:0} ms")]
    private static partial void LogConsumerRestarted(ILogger logger, Exception ex, string consumer, int failures, double delayMs);

    [LoggerMessage(EventId = 413, Level = LogLevel.Critical, Message = "Gateway stopping with exit code 1: its {Stage} stage failed ({Error}); what was not acknowledged or not confirmed is delivered again after the restart")]
    private static partial void LogStageFailed(ILogger logger, string stage, string error, Exception ex);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Subscribed to {Filters}; {Pending} spooled record(s) to write")]
    private static partial void LogSubscribed(ILogger logger, string filters, long pending);

    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, Message = "Renewing the MQTT subscription after a reconnect failed: {Reason}")]
    private static partial void LogRenewFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 408, Level = LogLevel.Error, Message = "{Problem} (attempt {Attempt}, 0 = reconnect); check --mqtt-username and --mqtt-password-file for {Url}; retrying")]
    private static partial void LogBrokerRefused(ILogger logger, string problem, int attempt, string url);

    [LoggerMessage(EventId = 409, Level = LogLevel.Error, Message = "{Problem} (attempt {Attempt}, 0 = reconnect); check --mqtt-ca-file and that the broker's certificate names the host of {Url}; retrying")]
    private static partial void LogTlsRefused(ILogger logger, string problem, int attempt, string url);

    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "The broker has no shared subscriptions: subscribed without $share/{Group}/, so every gateway connected to it receives every message")]
    private static partial void LogNoSharedSubscriptions(ILogger logger, string group);

    [LoggerMessage(EventId = 405, Level = LogLevel.Information, Message = "Duplicate filter refilled from {Records} spooled record(s) not yet written")]
    private static partial void LogRefilled(ILogger logger, long records);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Shutdown flush deadline reached; {Pending} record(s) stay spooled for the next start")]
    private static partial void LogFlushTimeout(ILogger logger, long pending);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "received {Received}, spooled {Spooled}, duplicates {Duplicates}, rejected {Rejected}, lines written {Written}, spool {Pending} records / {Bytes} bytes, mqtt connected {Connected}")]
    private static partial void LogProgress(ILogger logger, long received, long spooled, long duplicates, long rejected, long written, long pending, long bytes, bool connected);
}
