using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Dedupe;
using Tracking.Gateway.Ingest.Observability;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Mqtt;

namespace Tracking.Gateway.Ingest.Tests.Pipeline;

/// <summary>
/// The ingest stage over a real spool and dead-letter file in a directory of its own, no broker: what the stage's tests
/// share. The messages go into <see cref="Messages"/>; <see cref="Stage"/> builds the stage on them with the test's
/// acknowledger (and logger, decoder, dead-letter settings, rate limiter where the test is about those). Disposing closes
/// the files and deletes the directory.
/// </summary>
public sealed class IngestRig : IDisposable
{
    /// <summary>The topic of <see cref="Message(string, ushort, string?)"/> when no tag is named.</summary>
    public const string Topic = "tracking/v1/fleet-1/CSQU3054383/tag-1/telemetry";

    private DeadLetterFile? _deadLetters;

    /// <param name="name">Start of the directory's name (which test's files these are).</param>
    /// <param name="commitMaxDelay">The spool's group-commit delay (zero: a commit for whatever is queued).</param>
    /// <param name="deadLetterOptions">The dead-letter file's settings, also given to the stage; null: the defaults.</param>
    public IngestRig(string name, TimeSpan commitMaxDelay, DeadLetterOptions? deadLetterOptions = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "tracking-tests", name + "-" + Guid.NewGuid().ToString("N"));
        Options = new SpoolOptions { Directory = Directory, CommitMaxDelay = commitMaxDelay };
        DeadLetterOptions = deadLetterOptions;
        Spool = DiskSpool.Open(Options);
        _deadLetters = new DeadLetterFile(Directory, settings: deadLetterOptions);
    }

    public string Directory { get; }

    public SpoolOptions Options { get; }

    public DeadLetterOptions? DeadLetterOptions { get; }

    public DiskSpool Spool { get; }

    public DeadLetterFile DeadLetters => _deadLetters ?? throw new ObjectDisposedException(nameof(DeadLetterFile));

    public GatewayMetrics Metrics { get; } = new();

    public Channel<MqttMessage> Messages { get; } = Channel.CreateUnbounded<MqttMessage>();

    /// <summary>The dead-letter file's path (its lines are complete once <see cref="CloseDeadLetters"/> has run).</summary>
    public string DeadLetterPath => Path.Combine(Directory, DeadLetterFile.FileName);

    /// <summary>A valid telemetry batch of one reading with sequence number <paramref name="seq"/>.</summary>
    public static string Telemetry(int seq) =>
        $$"""{"v":1,"boot":1,"seq":{{seq}},"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1]]}""";

    /// <summary>A QoS 1 message with packet id <paramref name="id"/>, on tag <paramref name="tag"/>'s telemetry topic (default <see cref="Topic"/>).</summary>
    public static MqttMessage Message(string payload, ushort id, string? tag = null, MqttProperties? properties = null) =>
        Message(Encoding.UTF8.GetBytes(payload), id, tag, properties);

    public static MqttMessage Message(byte[] payload, ushort id, string? tag = null, MqttProperties? properties = null) =>
        new(tag is null ? Topic : $"tracking/v1/fleet-1/CSQU3054383/{tag}/telemetry", payload, MqttQos.AtLeastOnce, retain: false,
            duplicate: false, id, properties, null);

    /// <summary>Queues <paramref name="messages"/> and completes the channel: the stage's run ends after them.</summary>
    public void QueueAndComplete(IEnumerable<MqttMessage> messages)
    {
        foreach (MqttMessage m in messages) Messages.Writer.TryWrite(m);
        Messages.Writer.Complete();
    }

    public IngestStage Stage(IAcknowledger acknowledger, ILogger? logger = null, IPayloadDecoder? decoder = null,
        TagRateLimiter? rateLimiter = null, int duplicatesPerTag = 16, ChannelReader<MqttMessage>? reader = null) =>
        new(reader ?? Messages.Reader, acknowledger, Spool, DeadLetters, Metrics, Options, strictContainerIds: true,
            new DuplicateFilter(100, duplicatesPerTag), logger ?? NullLogger.Instance, decoder: decoder,
            deadLetterOptions: DeadLetterOptions, rateLimiter: rateLimiter);

    /// <summary>Flushes and closes the dead-letter file, so its lines can be read.</summary>
    public void CloseDeadLetters()
    {
        _deadLetters?.Dispose();
        _deadLetters = null;
    }

    public void Dispose()
    {
        CloseDeadLetters();
        Spool.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
