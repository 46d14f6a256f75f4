using Microsoft.Extensions.Options;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Shared;

namespace Tracking.Gateway;

/// <summary>
/// Feeds the rules engine from its own spool reader ("rules"), so the rules keep running while InfluxDB is down and a
/// restart resumes where the engine last saved its state: the engine evaluates each batch at once (alerts and excursions
/// are written then) but saves the containers' states every <see cref="RulesOptions.StateSaveInterval"/>, all in one
/// transaction, and the spool confirms the records up to that save only (<see cref="ISpoolConsumer.SaveInterval"/>).
/// After a crash the engine loads the saved states and the spool replays what came after: duplicates in the window are
/// ignored, the rest is evaluated again, and the alerts it raises exist already under the same key (no second alert).
/// Maps each accepted message to the engine's inputs: every telemetry reading at its own device time (the batch's battery
/// volts on its last reading), shock events, and battery volts from status and battery_low events. The tag's own temp_high/temp_low events are not inputs: the gateway evaluates the readings themselves.
/// </summary>
/// <remarks>Each message's tag also goes to the <see cref="ITagSeenListener"/>s (the tag config publisher: a tag first
/// seen gets its container's retained config): told by the engine when an input first reaches the tag's stream in this
/// process, and by the feed itself (<see cref="SeenTopics"/>) for messages without inputs and in shared mode. Shared mode (Rules:Shared, Rules README "Several gateways"): the inputs are
/// appended to the shared log instead (one transaction per batch, a replay not appended twice) and the batch is
/// confirmed once appended; the gateway holding each container's partition evaluates them.</remarks>
public sealed class RulesFeed(RuleEngine engine, IOptions<RulesOptions> options, IEnumerable<ITagSeenListener>? tagListeners = null,
    SharedRuleLog? sharedLog = null) : ISpoolConsumer
{
    public const string ReaderName = "rules";

    // One ConsumerStage calls at a time, so one list serves every batch.
    private readonly List<RuleInput> _inputs = new(options.Value.FeedMaxBatch);
    // The listeners as one; null for none.
    private readonly ITagSeenListener? _tagListeners = TagSeenListeners.Of([.. tagListeners ?? []]);
    private readonly SeenTopics _seen = new();

    public string Name => ReaderName;

    // Shared mode: an appended batch is committed, so it is confirmed at once.
    public TimeSpan SaveInterval { get; } = sharedLog is null ? options.Value.StateSaveInterval : TimeSpan.Zero;

    // Shared mode too: fewer, bigger appends to the shared log.
    public TimeSpan CollectDelay { get; } = options.Value.FeedCollectDelay;

    public int MaxBatch { get; } = options.Value.FeedMaxBatch;

    public async ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct)
    {
        _inputs.Clear();
        foreach (TagMessage m in messages)
        {
            int before = _inputs.Count;
            Add(m);
            // The engine tells the listeners of each stream it first meets (it holds the stream anyway), so a message with
            // inputs needs no look-up here (issue 12: SeenTopics.MarkSeen, a cache miss per message, was a sixth of the
            // feed's CPU). Told here: a message the engine gets no input of (a status without volts, a temp_high event),
            // and every message in shared mode (its inputs are appended, not evaluated). Refused: told again at the next.
            if (_tagListeners is not null && (sharedLog is not null || _inputs.Count == before) && !_seen.MarkSeen(m.Fleet, m.Container, m.Tag)
                && !_tagListeners.TagSeen(new ContainerKey(m.Fleet, m.Container), m.Tag))
            {
                _seen.Forget(m.Fleet, m.Container, m.Tag);
            }
        }
        if (_inputs.Count == 0) return;
        if (sharedLog is not null) await sharedLog.AppendAsync(_inputs, ct).ConfigureAwait(false);
        else await engine.ProcessAsync(_inputs, saveState: SaveInterval <= TimeSpan.Zero, _tagListeners, ct).ConfigureAwait(false);
    }

    public async ValueTask SaveAsync(CancellationToken ct)
    {
        if (sharedLog is null) await engine.SaveStateAsync(ct).ConfigureAwait(false);
    }

    private void Add(TagMessage m)
    {
        var container = new ContainerKey(m.Fleet, m.Container);
        // protocol.md section 5: boot and seq are unsigned 32-bit; seq + i of a batch's last readings may wrap, as on the tag.
        uint boot = unchecked((uint)m.Boot);
        switch (m.Kind)
        {
            case MessageKind.Telemetry:
                for (int i = 0; i < m.Readings.Length; i++)
                {
                    Reading r = m.Readings[i];
                    // The batch's volts on its last reading, at that reading's time: one input per single-reading
                    // message instead of a reading and a battery input (issue 12).
                    _inputs.Add(RuleInput.Reading(container, m.Tag, boot, unchecked((uint)(m.Seq + i)), m.ReadingTimeMs(i),
                        r.TemperatureC, r.HumidityPct, r.PressureHpa, r.PeakG, m.TimeEstimated,
                        i == m.Readings.Length - 1 ? m.BatteryV : double.NaN));
                }

                break;
            case MessageKind.Event when m.EventKind == TagEventKind.Shock:
                _inputs.Add(RuleInput.Shock(container, m.Tag, boot, unchecked((uint)m.Seq), m.TimeMs, m.EventValue, m.TimeEstimated));
                break;
            case MessageKind.Event when m.EventKind == TagEventKind.BatteryLow && !double.IsNaN(m.EventValue):
                _inputs.Add(RuleInput.Battery(container, m.Tag, m.TimeMs, m.EventValue));
                break;
            case MessageKind.Status when !double.IsNaN(m.BatteryV):
                _inputs.Add(RuleInput.Battery(container, m.Tag, m.TimeMs, m.BatteryV));
                break;
        }
    }
}
