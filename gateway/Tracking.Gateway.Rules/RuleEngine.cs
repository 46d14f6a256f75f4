using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Shared;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules;

/// <summary>
/// The rules engine: evaluates readings on device time against each container's profile, keeps excursions and alerts
/// in <see cref="IRuleStore"/> and tells <see cref="IAlertSink"/>s about alert changes and <see cref="IWarningSink"/>s
/// about predictive warnings, both through the store's outbox. One feeding thread
/// (<see cref="ProcessAsync(IReadOnlyList{RuleInput}, bool, CancellationToken)"/>) and a timer (<see cref="CheckTimersAsync"/>) may call it concurrently: every public
/// method runs under one async lock. README.md has the rules' exact semantics.
/// </summary>
public sealed class RuleEngine
{
    private const int MaxExcursionsKept = 1000;
    private const int MaxShocksKept = 256;

    // A stream's deciding battery values before the value being handled, to put back when its store calls fail.
    private readonly List<(long TimeMs, bool Low)> _batteryUndo = [];

    private static readonly JsonSerializerOptions SnapshotJson = new()
    {
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new SampleJsonConverter() },
    };

    private static readonly JsonSerializerOptions ProfileJson = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    // Each profile object's JSON, written once: a fleet's new containers mostly get the same profile object (a preset, a
    // profile the store's directory keeps), and each wrote it anew (issue 12: 1.4 KB and a serialization per new
    // container, and bench ingest --cold-fleet makes 1,000 at once). By identity, as RefreshProfileAsync compares profiles.
    private readonly ConditionalWeakTable<Profile, string> _profileJson = new();

    private readonly IRuleStore _store;
    // Assignments, profiles and which containers have trips, shared with the live view and the tag config publisher.
    private readonly ProfileDirectory _profiles;
    private readonly AlertDispatcher _dispatcher;
    private readonly RulesOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<ContainerKey, ContainerState> _containers = [];
    private readonly ContainerCache _recent = new();
    // Per input of the batch being processed: its container and stream as FindAhead found them (null: not found there).
    private (ContainerState? State, StreamState? Stream)[] _found = new (ContainerState?, StreamState?)[256];
    private readonly List<(ContainerKey Key, ContainerState State)> _touched = [];
    private readonly List<(ContainerKey Key, ContainerState State)> _unsaved = [];
    private readonly ArrayBufferWriter<byte> _snapshotBuffer = new(64 * 1024);
    // Per container saved: where its snapshot is in _snapshotBuffer and where its chunks and ranges end in the two below.
    private readonly List<(ContainerKey Key, int Start, int End, int Chunks, int Ranges)> _snapshotEnds = [];
    // The window chunks a save writes (where each is in _snapshotBuffer) and the chunk ranges it prunes to.
    private readonly List<(string Tag, long Number, int Start, int End)> _chunkSpans = [];
    private readonly List<ChunkRange> _ranges = [];
    // The same as the store is given them (reused: slices of these go to the store, which copies what it keeps).
    private WindowChunk[] _chunks = [];
    private ChunkRange[] _rangeArray = [];
    private int _unsavedCount;
    private readonly List<Effect> _effects = [];
    private readonly HashSet<AlertRef> _claimed = [];
    private readonly long _windowMs;
    // The chunks the streams' windows give back when trimmed, for those that grow (no chunk allocated per reading once a
    // fleet's windows are full).
    private readonly SampleChunkPool _chunkPool = new();
    private readonly WarningPredictor _predictor;
    private readonly IContainerOwnership? _ownership;
    // Silence is judged only for time this engine has been running, on the monotonic clock: while the gateway was down,
    // the tags' data waited in the broker, so that time says nothing about the tags (a restart after an outage longer
    // than a silence limit raised tag_silent for every tag before the backlog came in); and a step of the gateway's
    // clock (Clock:Offset, an NTP correction) neither makes nor hides a silent tag.
    private readonly long _watchingSince;
    // Escalation (EscalateAfter) runs on the monotonic clock like silence: per open alert, when this engine first knew it
    // (a timestamp) and the alert's age then. Zero for an alert it raised; for one raised before a restart or by another
    // gateway the wall-clock age (RaisedAt is the only record of it). A step of the gateway's clock after that moment
    // neither escalates early nor late. Touched only under _gate; entries leave when their alert is no longer open.
    private readonly Dictionary<long, (long Timestamp, TimeSpan AgeThen)> _alertClocks = [];

    // The store's profile version (IRuleStore.ProfileVersionAsync) as last read, at most once per ProfileRefresh and
    // again after InvalidateProfilesAsync; null while the store has none (then each container's own refresh time counts).
    // Set by a successful LoadAsync of an engine that evaluates every container (not shared mode): every container with
    // a saved state is then in _containers (only this engine writes states, and it never drops one), so a container not
    // there has none and its first reading reads no snapshot from the store (issue 12: one store read per new container).
    private bool _allStatesLoaded;

    private long? _profileVersion;
    private long _profileVersionReadMs;
    private bool _profileVersionStale = true;

    /// <param name="warningSinks">
    /// Told when predictive warnings are issued and end (not alerts: nothing to acknowledge), through the store's outbox
    /// and the same dispatcher as the alert sinks; an object in both lists is one sink.
    /// </param>
    /// <param name="ownership">
    /// Shared mode (README.md, "Several gateways"): which containers this engine evaluates. Others are read from the store
    /// for the API but not kept, and their silence and escalation are left to their owner. Null: every container.
    /// </param>
    public RuleEngine(IRuleStore store, IEnumerable<IAlertSink> sinks, IOptions<RulesOptions> options, TimeProvider time, ILogger<RuleEngine>? logger = null,
        IEnumerable<IWarningSink>? warningSinks = null, IContainerOwnership? ownership = null, ProfileDirectory? profiles = null)
    {
        _ownership = ownership;
        _store = store;
        _profiles = profiles ?? new ProfileDirectory(store, options.Value.ProfileRefresh, time);
        _options = options.Value;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _dispatcher = new AlertDispatcher(store, sinks, _logger, warningSinks);
        _windowMs = (long)_options.WindowSpan.TotalMilliseconds;
        _predictor = new WarningPredictor(_options, _logger);
        _watchingSince = _time.GetTimestamp();
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A checkpoint every this many readings of a window (a state with its MKT buckets is about 2.5 KB).</summary>
    internal int CheckpointEvery { get; init; } = 256;

    /// <summary>Loads every container's saved state, so silence timers run again after a restart before any data comes.</summary>
    public async Task LoadAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await ReadProfileVersionAsync(NowMs, ct);
            IReadOnlyList<ContainerKey> keys = await _store.ListContainersAsync(ct);
            foreach (ContainerKey key in keys) await ContainerAsync(key, ct);
            // A silence alert is stored before the state that names it: a crash between the two left the alert open and
            // the stream not knowing it, so no arrival would ever resolve it. Such a stream takes it back here.
            foreach (Alert alert in await _store.ListAlertsAsync(new AlertQuery(State: AlertState.Open, Limit: int.MaxValue), ct))
            {
                if (alert.Kind == "tag_silent" && alert.Tag is { } tag && _containers.TryGetValue(alert.Container, out ContainerState? cs)
                    && cs.Streams.TryGetValue(tag, out StreamState? st) && st.SilentAlertId == 0)
                {
                    st.SilentAlertId = alert.Id;
                    MarkUnsaved(alert.Container, cs);
                }
            }
            // Warnings a state saved before they were kept (snapshot format 4 and older) derived anew at its newest reading.
            await RecordWarningsAsync(int.MaxValue, ct);
            await SaveUnsavedAsync(ct);
            _allStatesLoaded = _ownership is null;
            Log.StatesLoaded(_logger, keys.Count);
            // The outbox: what the store owes from before (a crash between an alert write and its delivery) goes out now.
            int owed = await DispatchOwedAsync(ct);
            if (owed > 0) DispatchLog.OwedDelivered(_logger, owed);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Evaluates a batch (readings, shocks, battery values of any containers, in any order), then writes excursions,
    /// alerts and each touched container's state. Duplicates and replays change nothing.
    /// </summary>
    public Task ProcessAsync(IReadOnlyList<RuleInput> batch, CancellationToken ct = default) => ProcessAsync(batch, saveState: true, ct);

    /// <summary>
    /// <see cref="ProcessAsync(IReadOnlyList{RuleInput}, CancellationToken)"/>; with <paramref name="saveState"/> false the
    /// touched containers' states are saved only by the next <see cref="SaveStateAsync"/> (or another call that saves).
    /// Excursions and alerts are written at once either way. A feed that replays what was not saved after a crash (the
    /// spool consumer confirms records only once their state is saved) so saves once per period instead of per batch:
    /// the engine re-derives the same state from the replay, and alerts opened by key are not opened twice.
    /// </summary>
    public Task ProcessAsync(IReadOnlyList<RuleInput> batch, bool saveState, CancellationToken ct = default) =>
        ProcessAsync(batch, saveState, null, ct);

    /// <summary>
    /// <see cref="ProcessAsync(IReadOnlyList{RuleInput}, bool, CancellationToken)"/>, telling <paramref name="tagSeen"/> of
    /// each stream (container and tag) the first time an input reaches it in this process: a stream new to the engine, or
    /// one loaded from the store at the start. Once per stream and process, so a caller passes the same listener every
    /// time (the gateway's rules feed: the tag config publisher, issue 12: the feed's own per-message look-up of which
    /// tags it told was a sixth of its CPU, where the engine holds the stream already). Called under the engine's lock:
    /// the listener must return at once and never throw (<see cref="ITagSeenListener"/>).
    /// </summary>
    public async Task ProcessAsync(IReadOnlyList<RuleInput> batch, bool saveState, ITagSeenListener? tagSeen, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            long nowMs = NowMs;
            long nowTimestamp = _time.GetTimestamp();
            await ReadProfileVersionAsync(nowMs, ct);
            FindAhead(batch);
            for (int i = 0; i < batch.Count; i++)
            {
                Taken taken = batch is List<RuleInput> list
                    ? TakeReading(in CollectionsMarshal.AsSpan(list)[i], i, nowMs, nowTimestamp, tagSeen)
                    : TakeReading(batch[i], i, nowMs, nowTimestamp, tagSeen);
                switch (taken)
                {
                    case Taken.Done:
                        continue;
                    case Taken.BatteryLeft:
                        await BatteryRememberAsync(batch[i], _found[i].State!, _found[i].Stream!, ct);
                        continue;
                }
                RuleInput input = batch[i];
                // The common case without the dictionary, nor an async call: a container seen before, its profile fresh.
                ContainerState? known = _found[i].State;
                ContainerState cs = known is not null && ProfileFresh(known, nowMs)
                    ? known
                    : await ContainerAsync(input.Container, ct, refresh: true);
                Touch(input.Container, cs);
                // Found ahead: the same container's stream for this tag (a stream is never replaced), else looked up now.
                StreamState st = ReferenceEquals(cs, known) && _found[i].Stream is { } ahead ? ahead : StreamOf(cs, input.Tag);
                Arrived(input.Container, st, nowMs, nowTimestamp, tagSeen);
                if (st.SilentAlertId != 0)
                {
                    // Data resumed: the silence is over.
                    await ResolveAsync(st.SilentAlertId, ct);
                    st.SilentAlertId = 0;
                }
                switch (input.Kind)
                {
                    case RuleInputKind.Reading:
                        if (!input.Estimated) Insert(input.Container, st, input);
                        // A telemetry batch's volts on its last reading: a battery value at its time, whatever became of
                        // the reading (a duplicate, too late, a t_est time), as the battery input it replaces was.
                        if (!double.IsNaN(input.BatteryV)) await BatteryAsync(input, cs, st, ct);
                        break;
                    case RuleInputKind.Shock:
                        await ShockAsync(input, cs, st, ct);
                        break;
                    case RuleInputKind.Battery:
                        await BatteryAsync(input, cs, st, ct);
                        break;
                }
            }

            foreach ((ContainerKey key, ContainerState cs) in _touched)
            {
                if (cs.OnlyStream is { } only)
                {
                    if (only.Dirty || only.Replay) await EvaluateAsync(key, cs, only, ct);
                    continue;
                }
                foreach (StreamState st in cs.Streams.Values)
                {
                    if (st.Dirty || st.Replay) await EvaluateAsync(key, cs, st, ct);
                }
            }
            // Before the save (as each pass's are): a state saved past a warning's reading is never replayed, so its issue
            // or end must be in the store by then.
            await RecordWarningsAsync(int.MaxValue, ct);
            if (saveState) await SaveUnsavedAsync(ct);
        }
        finally
        {
            // Not kept alive by the scratch until the next batch.
            Array.Clear(_found, 0, Math.Min(batch.Count, _found.Length));
            ForgetTouched();
            _gate.Release();
        }
    }

    /// <summary>How far <see cref="TakeReading"/> took an input.</summary>
    private enum Taken
    {
        /// <summary>Not at all: it needs a look-up, a profile refresh or a store call first.</summary>
        No,
        Done,

        /// <summary>All but its battery value, which changes what is remembered of the battery (a store call may follow).</summary>
        BatteryLeft,
    }

    /// <summary>
    /// The commonest input, taken without an async call (issue 12: in bench ingest every input is one; the async loop
    /// kept its locals in the state machine, not in registers): a reading of a stream found ahead, its container's
    /// profile fresh, the stream not silent. Does what the loop does for it, in the same order. Anything else is not
    /// taken, before it changes anything.
    /// </summary>
    private Taken TakeReading(in RuleInput input, int i, long nowMs, long nowTimestamp, ITagSeenListener? tagSeen)
    {
        (ContainerState? cs, StreamState? st) = _found[i];
        if (cs is null || st is null || st.SilentAlertId != 0 || !ProfileFresh(cs, nowMs)) return Taken.No;
        if (input.Kind != RuleInputKind.Reading) return Taken.No;
        Touch(input.Container, cs);
        Arrived(input.Container, st, nowMs, nowTimestamp, tagSeen);
        if (!input.Estimated) Insert(input.Container, st, input);
        return double.IsNaN(input.BatteryV) || HealthyAgain(cs, st, input) ? Taken.Done : Taken.BatteryLeft;
    }

    /// <summary>The container has an input in this batch: evaluated at its end, saved at the next save.</summary>
    private void Touch(ContainerKey key, ContainerState cs)
    {
        if (cs.Dirty) return;
        cs.Dirty = true;
        _touched.Add((key, cs));
        MarkUnsaved(key, cs);
    }

    /// <summary>An input reached the stream: its arrival (for silence), and the tag told to the listener once per process.</summary>
    private static void Arrived(ContainerKey key, StreamState st, long nowMs, long nowTimestamp, ITagSeenListener? tagSeen)
    {
        if (!st.TagSeenTold && tagSeen is not null) st.TagSeenTold = tagSeen.TagSeen(key, st.Tag);
        st.LastArrivalMs = nowMs;
        st.LastArrivalTimestamp = nowTimestamp;
    }

    /// <summary>
    /// The batch's containers in the identity cache and each one's last stream when it is the input's tag, for all inputs
    /// before any is evaluated (loop fission, issue 12): the look-ups of different inputs do not depend on each other, so
    /// the processor overlaps their cache misses (the key's string, the cache's set, the container, the stream), where
    /// the loop over the inputs met them one after another, each waiting for the one before. In bench ingest every input
    /// is another container's, each of them cold. A state found here stays the key's for the whole batch (only
    /// <see cref="ForgetAsync"/> drops states, under the lock), and so does a stream (streams are never dropped).
    /// </summary>
    private void FindAhead(IReadOnlyList<RuleInput> batch)
    {
        int n = batch.Count;
        if (_found.Length < n) _found = new (ContainerState?, StreamState?)[Math.Max(n, _found.Length * 2)];
        // The feed's list read in place: no interface call and no copy of an input (88 bytes) per look.
        ReadOnlySpan<RuleInput> inputs = batch switch
        {
            List<RuleInput> list => CollectionsMarshal.AsSpan(list),
            RuleInput[] array => array,
            _ => [.. batch],
        };
        for (int i = 0; i < n; i++) _found[i].State = _recent.Find(inputs[i].Container);
        for (int i = 0; i < n; i++)
        {
            _found[i].Stream = _found[i].State?.LastStream is { } last && ReferenceEquals(last.Tag, inputs[i].Tag) ? last : null;
        }
    }

    /// <summary>The timer's work: opens <c>tag_silent</c> for tags silent longer than their profile allows, escalates open alerts nobody acknowledged.</summary>
    public async Task CheckTimersAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            DateTimeOffset now = _time.GetUtcNow();
            long nowMs = now.ToUnixTimeMilliseconds();
            await ReadProfileVersionAsync(nowMs, ct);
            foreach ((ContainerKey key, ContainerState cs) in _containers)
            {
                if (!Owns(key)) continue;
                // A silent container gets no batch to refresh its profile: the timer does, so a changed silence limit applies.
                if (!ProfileFresh(cs, nowMs)) await RefreshProfileAsync(key, cs, ct);
                if (cs.Profile?.Silence is not { } silence) continue;
                foreach (StreamState st in cs.Streams.Values)
                {
                    // Heard from in this process: the monotonic time since. Else (state loaded at start, or a shared-mode
                    // partition taken over) the wall-clock time since its last arrival, at most the time this engine has run.
                    long silentMs = st.LastArrivalTimestamp != 0
                        ? (long)_time.GetElapsedTime(st.LastArrivalTimestamp).TotalMilliseconds
                        : Math.Min(nowMs - st.LastArrivalMs, (long)_time.GetElapsedTime(_watchingSince).TotalMilliseconds);
                    if (st.SilentAlertId != 0 || st.LastArrivalMs == 0 || silentMs < (long)silence.TotalMilliseconds) continue;
                    if (await OpenSilenceAlertAsync(key, st.Tag, ct) is { } unknown)
                    {
                        // Opened before a crash that lost the state naming it (see LoadAsync): the same silence, not a second.
                        st.SilentAlertId = unknown;
                        MarkUnsaved(key, cs);
                        continue;
                    }

                    Alert alert = NewAlert(key, st.Tag, "tag_silent", null, Severity.Warning, st.LastArrivalMs, nowMs) with
                    {
                        Key = AlertKey(key, st.Tag, "tag_silent", st.LastArrivalMs.ToString(CultureInfo.InvariantCulture)),
                        Message = $"no data from {st.Tag} for {silence} (profile {cs.Profile.Name})",
                    };
                    st.SilentAlertId = await OpenAsync(alert, ct);
                    MarkUnsaved(key, cs);
                }
            }
            await SaveUnsavedAsync(ct);

            IReadOnlyList<Alert> open = await _store.ListAlertsAsync(new AlertQuery(State: AlertState.Open, Limit: int.MaxValue), ct);
            ForgetClosedAlertClocks(open);
            foreach (Alert alert in open)
            {
                // Shared mode: each alert is escalated by its container's owner only, so once.
                if (!Owns(alert.Container) || AgeOf(alert, now) < _options.EscalateAfter * (alert.Escalations + 1)) continue;
                Severity raised = alert.Severity < Severity.Critical ? alert.Severity + 1 : Severity.Critical;
                // Only if still open and not escalated since it was listed: an acknowledgement meanwhile stays (issue 12).
                if (await _store.EscalateAlertAsync(alert.Id, alert.Escalations, raised, now, ct) is not { Changed: true, Alert: { } stored }) continue;
                Log.AlertEscalated(_logger, stored.Id, stored.Key, stored.Severity.ToString(), stored.Escalations);
                await NotifyAsync(ct);
            }
            // Periodically: notifications a sink refused or a failed dispatch left owed are retried.
            int owed = await DispatchOwedAsync(ct);
            if (owed > 0) DispatchLog.OwedDelivered(_logger, owed);
        }
        finally
        {
            ForgetTouched();
            _gate.Release();
        }
    }

    /// <summary>
    /// Acknowledges an open alert (who, when, note). A momentary alert (a shock, a spent cumulative budget: nothing
    /// to clear) is resolved by its acknowledgement. Acknowledging an alert that is no longer open returns it unchanged;
    /// null when the id is unknown.
    /// </summary>
    public async Task<Alert?> AcknowledgeAsync(long id, string by, string? note, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (await _store.GetAlertAsync(id, ct) is not { } alert) return null;
            if (alert.State != AlertState.Open) return alert;
            DateTimeOffset now = _time.GetUtcNow();
            // Field-wise (issue 12): another gateway's engine may resolve or escalate it at this moment; both stay.
            if (await _store.AcknowledgeAlertAsync(id, by, now, note, ct) is not { Alert: { } acked } change) return null;
            if (!change.Changed) return acked; // acknowledged by someone else first: theirs stands, nothing to tell
            Log.AlertAcknowledged(_logger, acked.Id, acked.Key, by);
            await NotifyAsync(ct);
            if (IsMomentary(acked)) await ResolveAsync(acked.Id, ct);
            return await _store.GetAlertAsync(id, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The engine's view of a container, one entry per tag; empty when it has no state.</summary>
    public async Task<IReadOnlyList<StreamSummary>> SummaryAsync(ContainerKey container, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ContainerState cs = await ContainerAsync(container, ct);
            List<StreamSummary> summaries = [];
            foreach (StreamState st in cs.Streams.Values.OrderBy(s => s.Tag, StringComparer.Ordinal))
            {
                EvalState cur = st.Current;
                summaries.Add(new StreamSummary
                {
                    Container = container,
                    Tag = st.Tag,
                    FirstReading = cur.HasLast ? DateTimeOffset.FromUnixTimeMilliseconds(cur.FirstMs) : null,
                    LastReading = cur.HasLast ? DateTimeOffset.FromUnixTimeMilliseconds(cur.LastMs) : null,
                    MktTripC = cur.Trip.Celsius,
                    MktWindowC = cur.Rolling is { } rolling && cur.HasLast ? rolling.Value(cur.LastMs).Celsius : double.NaN,
                    Unknown = TimeSpan.FromMilliseconds(cur.UnknownMs),
                    Excursions = [.. st.Excursions.Select(e => ToExcursion(container, st.Tag, e))],
                    ShockCount = st.ShockCount,
                    ShockMaxG = st.ShockMaxG,
                    Shocks = [.. st.Shocks.Select(s => (DateTimeOffset.FromUnixTimeMilliseconds(s.TimeMs), s.G))],
                    TooLate = st.TooLate,
                    Trip = cur.HasLast && cur.TripId > 0 ? cur.TripId : null,
                });
            }
            return summaries;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The container's predictive warnings in force (README.md, "Predictive warnings"): bands whose alarm the recent
    /// trend says will fire within <see cref="RulesOptions.PredictionHorizon"/>. Empty when there are none.
    /// </summary>
    public async Task<IReadOnlyList<PredictiveWarning>> WarningsAsync(ContainerKey container, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // The live view's keys are the feed's string objects (one decoded message for every reader): the identity cache first.
            ContainerState cs = _recent.Find(container) ?? await ContainerAsync(container, ct);
            // Most containers have none: the live view asks for every container with news (issue 12), so no sort, no list.
            if (!WarningPredictor.AnyInForce(cs.Streams.Values)) return [];
            return [.. cs.Streams.Values.OrderBy(s => s.Tag, StringComparer.Ordinal).SelectMany(st => WarningPredictor.Current(container, st, cs.Profile))];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The tags the engine has seen in the container (its streams, kept in its saved state), in ordinal order.</summary>
    public async Task<IReadOnlyList<string>> TagsAsync(ContainerKey container, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return [.. (await ContainerAsync(container, ct)).Streams.Keys.Order(StringComparer.Ordinal)];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops the cached profiles, so the next batch of each container reads its assignment again (after an API change).</summary>
    public async Task InvalidateProfilesAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // Checked exactly one refresh period ago, so the next check is due now. Not long.MinValue: "now - checked"
            // would overflow to a negative age and the profile would never be read again.
            long due = NowMs - (long)_options.ProfileRefresh.TotalMilliseconds;
            foreach (ContainerState cs in _containers.Values)
            {
                cs.ProfileCheckedMs = due;
                cs.ProfileVersion = null;
            }
            _profileVersionStale = true;
            _profiles.Invalidate();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Drops the in-memory state of the containers <paramref name="which"/> selects, saved or not, so their next use
    /// reads the store again. Shared mode: a partition this gateway hands over or takes over (another gateway may have
    /// evaluated it meanwhile, and what this engine holds of it is stale).
    /// </summary>
    public async Task ForgetAsync(Func<ContainerKey, bool> which, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            foreach (ContainerKey key in _containers.Keys.Where(which).ToList()) _containers.Remove(key);
            _allStatesLoaded = false;
            // The identity cache may still point at a forgotten state: it is only a shortcut, so empty it whole.
            _recent.Clear();
            _unsaved.RemoveAll(u => which(u.Key));
            _unsavedCount = _unsaved.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool Owns(ContainerKey key) => _ownership is null || _ownership.Owns(key);

    // ---- containers, profiles, snapshots

    /// <summary>
    /// Ends a call's list of touched containers. After a failure (the store down) the unsaved ones must be markable
    /// again, or no later batch would save them; their streams keep their own dirty marks and are evaluated then.
    /// </summary>
    private void ForgetTouched()
    {
        foreach ((_, ContainerState cs) in _touched) cs.Dirty = false;
        _touched.Clear();
    }

    private async ValueTask<ContainerState> ContainerAsync(ContainerKey key, CancellationToken ct, bool refresh = false)
    {
        if (_containers.TryGetValue(key, out ContainerState? cs))
        {
            _recent.Remember(key, cs);
            if (refresh && !ProfileFresh(cs, NowMs)) await RefreshProfileAsync(key, cs, ct);
            return cs;
        }

        cs = (_allStatesLoaded ? null : Restore(key, await _store.LoadStateAsync(key, ct))) ?? new ContainerState();
        string savedProfile = cs.ProfileJson;
        string savedTrips = cs.TripsKey;
        await RefreshProfileAsync(key, cs, ct);
        foreach (StreamState st in cs.Streams.Values)
        {
            st.Samples.Pool = _chunkPool;
            st.Current = st.Base.Clone();
            foreach (Sample sample in st.Samples) Evaluator.Step(st.Current, sample, cs.Profile, null, cs.Trips);
            st.Evaluated = st.Samples.Count;
            // Another profile, or trips started or ended while the state was away (another gateway, the API before a
            // crash): the window is evaluated again with its effects.
            if (cs.ProfileJson != savedProfile || cs.TripsKey != savedTrips)
            {
                st.Replay = true;
                st.PredictionReset = true;
            }
            _predictor.Restore(key, st, cs.Profile);
        }
        // Shared mode: another gateway evaluates a container this one does not own, so a kept copy would go stale.
        if (Owns(key))
        {
            _containers[key] = cs;
            _recent.Remember(key, cs);
        }
        return cs;
    }

    private ContainerState? Restore(ContainerKey key, StoredState? stored)
    {
        if (stored is null) return null;
        byte[] snapshot = stored.State;
        if (SnapshotCodec.IsBinary(snapshot))
        {
            if (SnapshotCodec.TryRead(stored, out ContainerState binary)) return binary;
            Log.StateUnreadable(_logger, null, key);
            return null;
        }

        // A JSON snapshot (version 1) saved before the binary format: still read, and saved as binary next time.
        try
        {
            ContainerState? cs = JsonSerializer.Deserialize<ContainerState>(snapshot, SnapshotJson);
            if (cs is { V: ContainerState.CurrentVersion }) return cs;
            Log.StateUnreadable(_logger, null, key);
        }
        catch (JsonException ex)
        {
            Log.StateUnreadable(_logger, ex, key);
        }
        return null;
    }

    /// <summary>
    /// Saves every container changed since its last save, in one store transaction. Returns once they are saved: a spool
    /// consumer confirms the records it handed over before this call only then. Throws when the store fails (the
    /// containers stay unsaved for the next call).
    /// </summary>
    public async Task SaveStateAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await SaveUnsavedAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Containers changed and not yet saved, in the engine's memory only.</summary>
    public int UnsavedContainers => Volatile.Read(ref _unsavedCount);

    private void MarkUnsaved(ContainerKey key, ContainerState cs)
    {
        if (cs.Unsaved) return;
        cs.Unsaved = true;
        _unsaved.Add((key, cs));
        _unsavedCount = _unsaved.Count;
    }

    private async Task SaveUnsavedAsync(CancellationToken ct)
    {
        if (_unsaved.Count == 0) return;
        // Every snapshot and chunk goes into one reused buffer (slices of it go to the store): a save allocates no array
        // per container.
        _snapshotBuffer.ResetWrittenCount();
        _snapshotEnds.Clear();
        _chunkSpans.Clear();
        _ranges.Clear();
        int kept = 0;
        for (int i = 0; i < _unsaved.Count; i++)
        {
            (ContainerKey key, ContainerState cs) = _unsaved[i];
            if (PendingEvaluation(cs))
            {
                // A failed call left readings in its window whose effects are not in the store yet: a snapshot now would
                // hold them as evaluated, and after a crash their alerts would never be raised. Saved once evaluated.
                _unsaved[kept++] = _unsaved[i];
                continue;
            }
            int start = _snapshotBuffer.WrittenCount;
            SnapshotCodec.Write(_snapshotBuffer, cs);
            int end = _snapshotBuffer.WrittenCount;
            foreach (StreamState st in cs.Streams.Values) WriteChangedChunks(st);
            _snapshotEnds.Add((key, start, end, _chunkSpans.Count, _ranges.Count));
        }

        ReadOnlyMemory<byte> written = _snapshotBuffer.WrittenMemory;
        if (_chunks.Length < _chunkSpans.Count) _chunks = new WindowChunk[Math.Max(_chunkSpans.Count, _chunks.Length * 2)];
        for (int i = 0; i < _chunkSpans.Count; i++)
        {
            (string tag, long number, int from, int to) = _chunkSpans[i];
            _chunks[i] = new WindowChunk(tag, number, written[from..to]);
        }
        if (_rangeArray.Length < _ranges.Count) _rangeArray = new ChunkRange[Math.Max(_ranges.Count, _rangeArray.Length * 2)];
        _ranges.CopyTo(_rangeArray);
        List<ContainerSnapshot> snapshots = new(_snapshotEnds.Count);
        int chunksFrom = 0, rangesFrom = 0;
        foreach ((ContainerKey key, int start, int end, int chunksTo, int rangesTo) in _snapshotEnds)
        {
            snapshots.Add(new ContainerSnapshot(key, written[start..end])
            {
                Chunks = _chunks.AsMemory(chunksFrom, chunksTo - chunksFrom),
                Ranges = _rangeArray.AsMemory(rangesFrom, rangesTo - rangesFrom),
            });
            chunksFrom = chunksTo;
            rangesFrom = rangesTo;
        }

        await _store.SaveStatesAsync(snapshots, ct);
        for (int i = kept; i < _unsaved.Count; i++)
        {
            ContainerState cs = _unsaved[i].State;
            cs.Unsaved = false;
            // The store holds these windows as they are now: the next save writes what changes after this one.
            foreach (StreamState st in cs.Streams.Values)
            {
                st.SavedFirst = st.First;
                st.SavedPrefix = st.Samples.Count;
            }
        }
        _unsaved.RemoveRange(kept, _unsaved.Count - kept);
        _unsavedCount = _unsaved.Count;
    }

    /// <summary>
    /// Writes the full chunks of a stream's window from the first that changed since the last save (its tail, the
    /// readings after them, is in the snapshot: after a few new readings, nothing here or the chunk they filled; after a
    /// late reading, the chunks from its own on), and the range to prune to when the window's start left a chunk since
    /// (a trim) or the stream was never saved by this engine (the store may hold chunks of another state).
    /// </summary>
    private void WriteChangedChunks(StreamState st)
    {
        const int size = SnapshotCodec.ChunkSize;
        long full = SnapshotCodec.TailStart(st) / size; // the full chunks are those numbered below
        long firstChunk = st.First / size;
        if (st.SavedFirst < 0 || firstChunk > st.SavedFirst / size) _ranges.Add(new ChunkRange(st.Tag, firstChunk, full - 1));
        for (long number = (st.First + st.SavedPrefix) / size; number < full; number++)
        {
            int start = _snapshotBuffer.WrittenCount;
            // Written whole from its start, or from the window's when the window starts in it.
            SnapshotCodec.WriteChunk(_snapshotBuffer, st, number, Math.Max(number * size, st.First), (number + 1) * size);
            _chunkSpans.Add((st.Tag, number, start, _snapshotBuffer.WrittenCount));
        }
    }

    private static bool PendingEvaluation(ContainerState cs)
    {
        foreach (StreamState st in cs.Streams.Values)
        {
            if (st.Dirty || st.Replay) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether the container's profile needs no look-up now: with a store version, when it was looked up at the version
    /// the engine last read (a change by any writer shows within a refresh period, an API change at the next batch: the
    /// API invalidates); without one, when it was looked up less than <see cref="RulesOptions.ProfileRefresh"/> ago.
    /// </summary>
    private bool ProfileFresh(ContainerState cs, long nowMs) => _profileVersion is { } version
        ? cs.ProfileVersion == version
        : nowMs - cs.ProfileCheckedMs < (long)_options.ProfileRefresh.TotalMilliseconds;

    /// <summary>
    /// Reads the store's profile version when a refresh period has passed since the last read or the profiles were
    /// invalidated: one store call per period instead of two per container (issue 12).
    /// </summary>
    private async ValueTask ReadProfileVersionAsync(long nowMs, CancellationToken ct)
    {
        if (!_profileVersionStale && nowMs - _profileVersionReadMs < (long)_options.ProfileRefresh.TotalMilliseconds) return;
        _profileVersion = await _profiles.VersionAsync(ct);
        _profileVersionReadMs = nowMs;
        _profileVersionStale = false;
    }

    private async Task RefreshProfileAsync(ContainerKey key, ContainerState cs, CancellationToken ct)
    {
        cs.ProfileCheckedMs = NowMs;
        // The version read before this look-up: a write after it changes the version, so the next read looks up again.
        cs.ProfileVersion = _profileVersion;
        await RefreshTripsAsync(key, cs, ct);
        string? name = await _profiles.AssignedProfileAsync(key, ct) ?? _options.DefaultProfile;
        Profile? profile = null;
        if (name is not null)
        {
            profile = await _profiles.GetProfileAsync(name, ct) ?? ProfilePresets.Find(name);
            if (profile is null) Log.ProfileMissing(_logger, key, name);
        }
        // The same profile object as last time (a preset, a profile the store keeps): its JSON is the one held, no
        // need to write it again (issue 12: the refresh was 10 % of the rules' cost in bench rules).
        if (profile is not null && ReferenceEquals(profile, cs.Profile)) return;
        string json = profile is null ? "" : _profileJson.GetValue(profile, static p => JsonSerializer.Serialize(p, ProfileJson));
        Profile? held = cs.Profile;
        cs.Profile = profile;
        if (json == cs.ProfileJson)
        {
            // The profile's own JSON string, not the equal one a snapshot was read into: the containers of a profile then
            // share one, which the snapshot codec packs once (SnapshotCodec.PackedProfile), not once per container.
            cs.ProfileJson = json;
            return;
        }

        // Another profile: its bands start afresh on the window (their trip totals too); the window is evaluated again.
        Profile? previous = EvaluatedUnder(held, cs.ProfileJson);
        foreach (StreamState st in cs.Streams.Values)
        {
            _predictor.EndAll(key, st, previous, "another profile took effect", WarningNotification.ProfileChanged);
        }
        cs.ProfileJson = json;
        if (profile is not null) Log.ProfileInForce(_logger, key, profile.Name);
        foreach (StreamState st in cs.Streams.Values)
        {
            EvalState fresh = Evaluator.NewState(profile);
            st.Base.Bands = fresh.Bands;
            st.Base.Rolling = fresh.Rolling;
            st.Base.MktHigh = false;
            st.Replay = true;
            st.PredictionReset = true;
        }
    }

    /// <summary>
    /// Reads the container's trips with its profile (the same refresh and version, README.md "Trips"). When they changed,
    /// every stream re-runs its window with them: a trip started or ended in the past moves readings already evaluated to
    /// another trip (from the window's start on: the state before it is final).
    /// </summary>
    private async Task RefreshTripsAsync(ContainerKey key, ContainerState cs, CancellationToken ct)
    {
        TripTimeline trips = TripTimeline.From(await _profiles.ListTripsAsync(key, ct));
        cs.Trips = trips;
        if (trips.Key == cs.TripsKey) return;
        cs.TripsKey = trips.Key;
        Log.TripsChanged(_logger, key, trips.Count);
        Profile? profile = EvaluatedUnder(cs.Profile, cs.ProfileJson);
        foreach (StreamState st in cs.Streams.Values)
        {
            _predictor.EndAll(key, st, profile, "the trips changed", WarningNotification.TripsChanged);
            st.Base.SegmentKnown = false;
            st.Replay = true;
            st.PredictionReset = true;
        }
    }

    /// <summary>
    /// The profile a container's state was evaluated under: the one held, or after a restart (a snapshot keeps only its
    /// JSON) the one read back from that JSON.
    /// </summary>
    private static Profile? EvaluatedUnder(Profile? held, string json) =>
        held ?? (json.Length == 0 ? null : JsonSerializer.Deserialize<Profile>(json, ProfileJson));

    private StreamState StreamOf(ContainerState cs, string tag)
    {
        // The last stream used: a container's readings mostly come from one tag (issue 12: no string hashing per reading).
        if (cs.LastStream is { } last && (ReferenceEquals(last.Tag, tag) || string.Equals(last.Tag, tag, StringComparison.Ordinal))) return last;
        if (cs.Streams.TryGetValue(tag, out StreamState? st)) return cs.LastStream = st;
        st = new StreamState { Tag = tag, Base = Evaluator.NewState(cs.Profile) };
        st.Samples.Pool = _chunkPool;
        st.Current = st.Base.Clone();
        cs.Add(st);
        return cs.LastStream = st;
    }

    // ---- readings and the window

    private void Insert(ContainerKey container, StreamState st, in RuleInput input)
    {
        var sample = new Sample { TimeMs = input.TimeMs, Boot = input.Boot, Seq = input.Seq, TempC = input.TempC, RhPct = input.RhPct };
        SampleWindow samples = st.Samples;
        if (samples.ContainsKey(sample.Key)) return; // a duplicate within the window
        int n = samples.Count;
        // The commonest reading, later than the window's last, is not too late (the window's readings are later than its
        // base's): the base is not read for it (issue 12: a cache line of its own per reading).
        bool afterLast = n > 0 && sample.TimeMs > samples[n - 1].TimeMs;
        if (!afterLast && st.Base.HasLast && sample.TimeMs <= st.Base.LastMs)
        {
            // Before the window: the state there is final. Also where replays of final readings end up.
            st.TooLate++;
            Log.TooLate(_logger, container, st.Tag, input.Boot, input.Seq);
            return;
        }
        if (afterLast || n == 0 || SampleWindow.Compare(samples[n - 1], sample) < 0)
        {
            samples.Add(sample);
        }
        else
        {
            int at = samples.InsertionPoint(sample);
            samples.Insert(at, sample);
            st.InsertedAt(at);
            if (at < st.Evaluated)
            {
                // Late data inside the evaluated part: the states after it are wrong, the ones before it still right.
                st.ReplayFrom = Math.Min(st.ReplayFrom, at);
                st.DropCheckpointsAfter(at);
            }
        }
        st.Dirty = true;
    }

    /// <summary>
    /// A pass over the stream's window: its new readings evaluated (or the window re-run from a checkpoint or its start),
    /// then the pass's effects stored. Most passes store nothing (no effect, no re-run, no band outside, no warning
    /// change): they end here without an async method's state machine (issue 12: a pass per reading in bench ingest).
    /// </summary>
    private Task EvaluateAsync(ContainerKey key, ContainerState cs, StreamState st, CancellationToken ct)
    {
        // Warning changes a failed pass left unrecorded come first (their positions were that pass's).
        if (_predictor.Changes.Count > 0) return RecordThenEvaluateAsync(key, cs, st, ct);
        Pass pass = Run(key, cs, st);
        if (_effects.Count > 0 || pass.Replay || AnyOutside(st.Current.Bands) || _predictor.Changes.Count > 0) return StoreAsync(key, cs, st, pass, ct);
        Passed(st);
        return Task.CompletedTask;
    }

    private async Task RecordThenEvaluateAsync(ContainerKey key, ContainerState cs, StreamState st, CancellationToken ct)
    {
        await RecordWarningsAsync(int.MaxValue, ct);
        Pass pass = Run(key, cs, st);
        await StoreAsync(key, cs, st, pass, ct);
    }

    /// <summary>What a pass's storing needs of its run: whether it re-ran the window, from where.</summary>
    private readonly record struct Pass(bool Replay, long WindowStartMs, long FromTrip);

    /// <summary>The pass's evaluation: no store call. Leaves the stream marked for a re-run until the pass is stored.</summary>
    private Pass Run(ContainerKey key, ContainerState cs, StreamState st)
    {
        Profile? profile = cs.Profile;
        _effects.Clear();
        _claimed.Clear();
        bool replay = st.Replay || st.ReplayFrom < st.Evaluated;
        // Another profile or other trips reset the predictions (the warnings in force were told ended when the change was
        // found: WarningPredictor.EndAll); a re-run after a failed pass keeps them.
        bool resetWarnings = st.PredictionReset;
        EvalState from = st.Base;
        int fromIndex = 0;
        if (st.Replay)
        {
            st.DropCheckpointsAfter(-1);
        }
        else if (replay)
        {
            // A loop, not FindLastIndex with a lambda: the lambda's closure over st was allocated at every evaluation.
            int at = st.Checkpoints.Count - 1;
            while (at >= 0 && st.Checkpoints[at].Index > st.ReplayFrom) at--;
            if (at >= 0) (fromIndex, from) = st.Checkpoints[at];
        }
        st.Replay = false;
        st.ReplayFrom = int.MaxValue;
        long windowStartMs = from.HasLast ? from.LastMs : long.MinValue;
        if (replay)
        {
            st.Current = from.Clone();
            st.Evaluated = fromIndex;
            // Excursions already alarmed before the re-run's first sample raise no alarm effect in this pass: claim their alerts first.
            BandState[] bands = from.Bands;
            for (int i = 0; i < bands.Length && profile is not null && i < profile.Bands.Count; i++)
            {
                string name = profile.Bands[i].Name;
                if (bands[i].Outside && bands[i].Alarmed && st.BandAlerts.Find(a => !a.Cumulative && a.Band == name && a.StartMs == bands[i].StartMs) is { } held)
                {
                    _claimed.Add(held);
                }
                long trip = from.TripId;
                if (bands[i].CumulativeAlarmed && st.BandAlerts.Find(a => a.Cumulative && a.Band == name && a.EndMs is null && a.Trip == trip) is { } spent)
                {
                    _claimed.Add(spent);
                }
            }
        }
        SampleWindow samples = st.Samples;
        _predictor.Sync(st, profile, st.Evaluated, reset: resetWarnings);
        st.PredictionReset = false;
        for (int i = st.Evaluated; i < samples.Count; i++)
        {
            // Spaced from the last checkpoint, not at multiples of the index: a full window is trimmed by one reading per
            // reading, so its new reading always had the same index, and with a window of a multiple of CheckpointEvery
            // readings (1,024 for tags faster than one reading in 84 s) every reading cloned the state (2.5 KB) into a
            // checkpoint list that could grow to the window's length (2.5 MB per tag): 20 us and 5 KB per reading in bench rules.
            if (i >= st.LastCheckpoint + CheckpointEvery) st.AddCheckpoint(i, st.Current.Clone());
            Evaluator.Step(st.Current, samples[i], profile, _effects, cs.Trips);
            _predictor.Observe(key, st, i, profile, st.Current.Bands, _effects.Count);
        }
        st.Evaluated = samples.Count;
        st.Dirty = false;

        // Until the effects are in the store, the stream counts as not evaluated: if the store fails, the next batch that
        // touches the container (the consumer retries this one) re-runs the window and finds the effects again.
        st.Replay = true;
        Trim(st, profile, cs.Trips);
        return new Pass(replay, windowStartMs, from.TripId);
    }

    /// <summary>The pass's effects, ongoing excursions and warning changes into the store, then the pass is done.</summary>
    private async Task StoreAsync(ContainerKey key, ContainerState cs, StreamState st, Pass pass, CancellationToken ct)
    {
        Profile? profile = cs.Profile;
        // Most passes have nothing to write: no effect (a trip entered is one), no re-run, no band outside (issue 12: two
        // async calls per reading).
        if (_effects.Count > 0 || pass.Replay) await ApplyAsync(key, st, profile, pass.Replay, pass.WindowStartMs, pass.FromTrip, ct);
        if (AnyOutside(st.Current.Bands)) await SyncOngoingAsync(key, st, profile, ct);
        // The pass's warning changes after its alert changes (ApplyAsync recorded those that came before one of them).
        if (_predictor.Changes.Count > 0) await RecordWarningsAsync(int.MaxValue, ct);
        Passed(st);
    }

    /// <summary>A pass stored (or with nothing to store): the stream is evaluated; alerts of ended excursions are dropped.</summary>
    private static void Passed(StreamState st)
    {
        st.Replay = false;
        // The alerts first: most streams have none, and then the base (a cache line of its own) is not read.
        if (st.BandAlerts.Count > 0 && st.Base.HasLast) ForgetEnded(st.BandAlerts, st.Base.LastMs, st.Base.TripId, st.Current.TripId);
    }

    private static bool AnyOutside(BandState[] bands)
    {
        foreach (ref readonly BandState b in bands.AsSpan())
        {
            if (b.Outside) return true;
        }
        return false;
    }

    /// <summary>
    /// Drops the alerts of excursions that ended before the window, and the budget alerts of trips neither the window's
    /// start nor its end is in (their trip is over: a re-run finds such an alert again by its key, never a second one).
    /// A loop, not a closure: this runs per evaluation.
    /// </summary>
    private static void ForgetEnded(List<AlertRef> alerts, long beforeMs, long baseTrip, long currentTrip)
    {
        for (int i = alerts.Count - 1; i >= 0; i--)
        {
            AlertRef a = alerts[i];
            if (a.Cumulative ? a.Trip != baseTrip && a.Trip != currentTrip : a.EndMs is { } end && end < beforeMs) alerts.RemoveAt(i);
        }
    }

    private void Trim(StreamState st, Profile? profile, TripTimeline? trips)
    {
        SampleWindow samples = st.Samples;
        if (samples.Count == 0) return;
        long oldest = samples[^1].TimeMs - _windowMs;
        // Over the reading limit, the oldest eighth goes at once (README.md: a full window holds 7/8 to all of the limit;
        // it began as the cure for a list's move of the whole window per trim, which the chunked window no longer makes).
        // The time limit stays exact: it drops about one reading per reading, which only advances the window's offset.
        int limit = _options.WindowReadings;
        int keep = samples.Count > limit ? limit - (limit / 8) : limit;
        int drop = 0;
        // Most readings trim nothing: decided on the window's kept first time, not its first sample's (cold) chunk.
        if (samples.Count <= keep && samples.FirstTimeMs >= oldest) return;
        while (drop < samples.Count - 1 && (samples.Count - drop > keep || samples[drop].TimeMs < oldest))
        {
            Evaluator.Step(st.Base, samples[drop], profile, null, trips);
            drop++;
        }
        if (drop == 0) return;
        samples.RemoveFirst(drop);
        st.Trimmed(drop);
        st.Evaluated -= drop;
        st.CheckpointsTrimmed(drop);
    }

    // ---- effects to excursions and alerts

    /// <summary>
    /// Turns a pass's effects into alerts and excursions. Band alerts are reconciled with the alarmed excursions the pass
    /// found: an alert follows its excursion when late data moves the start earlier, and after a re-run of the window an
    /// alert whose excursion no longer reaches its alarm (an alarm raised across a gap that late data filled with
    /// readings back inside) is resolved.
    /// </summary>
    private async Task ApplyAsync(ContainerKey key, StreamState st, Profile? profile, bool replay, long windowStartMs, long fromTrip, CancellationToken ct)
    {
        for (int i = 0; i < _effects.Count; i++)
        {
            if (_effects[i].Kind != EffectKind.Alarm) continue;
            // Warnings issued or ended by earlier readings are told before this alarm; one it ended, after it.
            if (_predictor.Changes.Count > 0) await RecordWarningsAsync(i, ct);
            await BandAlarmAsync(key, st, profile!.Bands[_effects[i].Band], _effects[i], EndOf(i), ct);
        }
        for (int i = 0; i < _effects.Count; i++)
        {
            Effect e = _effects[i];
            if (_predictor.Changes.Count > 0) await RecordWarningsAsync(i, ct);
            switch (e.Kind)
            {
                case EffectKind.CumulativeAlarm:
                    await CumulativeAlarmAsync(key, st, profile!.Bands[e.Band], e, ct);
                    break;
                case EffectKind.ExcursionEnded:
                    await ExcursionEndedAsync(key, st, profile!.Bands[e.Band], e, ct);
                    break;
                case EffectKind.MktHigh when st.MktAlertId == 0:
                    Alert mkt = NewAlert(key, st.Tag, "mkt_high", null, Severity.Alarm, e.AtMs, e.AtMs) with
                    {
                        Key = AlertKey(key, st.Tag, "mkt_high", e.AtMs.ToString(CultureInfo.InvariantCulture)),
                        Value = Math.Round(e.Value, 3), Limit = e.Limit,
                        Message = FormattableString.Invariant($"mean kinetic temperature {e.Value:0.00} degC over {profile!.MktWindow} reached {e.Limit} degC"),
                    };
                    st.MktAlertId = await OpenAsync(mkt, ct);
                    break;
                case EffectKind.MktClear when st.MktAlertId != 0:
                    await ResolveAsync(st.MktAlertId, ct);
                    st.MktAlertId = 0;
                    break;
            }
        }
        if (!replay) return;
        foreach (AlertRef stale in st.BandAlerts)
        {
            // A cumulative alert stays until the trip ends, unless the re-run found the budget not spent after all: only
            // for a trip the re-run went through (one that ended before it cannot be judged again, and stays as it was).
            if (_claimed.Contains(stale) || (stale.EndMs is { } end && (stale.Cumulative || end < windowStartMs))) continue;
            if (stale.Cumulative && stale.Trip != fromTrip && !EnteredTrip(stale.Trip)) continue;
            stale.EndMs ??= stale.StartMs;
            await ResolveAsync(stale.Id, ct);
        }
    }

    /// <summary>Whether the pass's readings entered that trip segment (a loop over the effects: rare, only for a stale budget alert).</summary>
    private bool EnteredTrip(long trip)
    {
        foreach (Effect e in _effects)
        {
            if (e.Kind == EffectKind.TripEntered && e.Trip == trip) return true;
        }
        return false;
    }

    /// <summary>The end of the excursion an alarm effect belongs to, when the same pass ended it; else open.</summary>
    private long EndOf(int alarm)
    {
        Effect a = _effects[alarm];
        for (int j = alarm + 1; j < _effects.Count; j++)
        {
            Effect e = _effects[j];
            if (e.Kind == EffectKind.ExcursionEnded && e.Band == a.Band && e.StartMs == a.StartMs) return e.AtMs;
        }
        return long.MaxValue;
    }

    private async Task BandAlarmAsync(ContainerKey key, StreamState st, Band band, Effect e, long endMs, CancellationToken ct)
    {
        string name = band.Name;
        AlertRef? match = null;
        foreach (AlertRef known in st.BandAlerts)
        {
            // The alert of this excursion may exist already, raised when its start was not yet known to be earlier.
            if (known.Cumulative || known.Band != name || known.StartMs < e.StartMs || known.StartMs > endMs || _claimed.Contains(known)) continue;
            if (match is null || known.StartMs == e.StartMs || (match.StartMs != e.StartMs && known.StartMs < match.StartMs)) match = known;
        }
        if (match is not null)
        {
            await ClaimAsync(match, e.StartMs, ct);
            return;
        }
        string detail = name + "." + e.StartMs.ToString(CultureInfo.InvariantCulture);
        string message = FormattableString.Invariant($"{Describe(band, e.Side)} {e.Limit} for {TimeSpan.FromMilliseconds(e.DurationMs)} (delay {band.Delay})");
        await RaiseBandAlertAsync(key, st, band, e, detail, message, cumulative: false, ct);
    }

    private async Task CumulativeAlarmAsync(ContainerKey key, StreamState st, Band band, Effect e, CancellationToken ct)
    {
        string name = band.Name;
        long trip = e.Trip;
        if (st.BandAlerts.Find(a => a.Cumulative && a.Band == name && a.EndMs is null && a.Trip == trip) is { } known)
        {
            // Late data can spend the budget in an earlier excursion: the alert follows.
            await ClaimAsync(known, e.StartMs, ct);
            return;
        }
        // Since: the start of the excursion in which the budget ran out.
        string detail = name + ".cum." + TripKey(st, trip);
        string message = FormattableString.Invariant(
            $"{Describe(band, e.Side)} {e.Limit} for {TimeSpan.FromMilliseconds(e.DurationMs)} in total this trip (budget {band.Cumulative})");
        await RaiseBandAlertAsync(key, st, band, e, detail, message, cumulative: true, ct);
    }

    /// <summary>
    /// A trip segment in alert keys: the implicit trip keeps the number it always had (1), so a container without trips
    /// keeps its keys; a trip is <c>t{id}</c>, the time after it <c>t{id}.after</c>.
    /// </summary>
    private static string TripKey(StreamState st, long trip) => trip switch
    {
        0 => st.Trip.ToString(CultureInfo.InvariantCulture),
        > 0 => "t" + trip.ToString(CultureInfo.InvariantCulture),
        _ => "t" + (-trip).ToString(CultureInfo.InvariantCulture) + ".after",
    };

    /// <summary>Marks a raised alert as this pass's, moving its since to the excursion's start if that moved.</summary>
    private async Task ClaimAsync(AlertRef known, long startMs, CancellationToken ct)
    {
        _claimed.Add(known);
        if (known.StartMs == startMs) return;
        await _store.MoveAlertSinceAsync(known.Id, DateTimeOffset.FromUnixTimeMilliseconds(startMs), ct);
        known.StartMs = startMs;
    }

    private async Task RaiseBandAlertAsync(ContainerKey key, StreamState st, Band band, Effect e, string detail, string message, bool cumulative, CancellationToken ct)
    {
        string kind = KindOf(band, e.Side);
        Alert alert = NewAlert(key, st.Tag, kind, band.Name, band.Severity, e.StartMs, e.AtMs) with
        {
            Key = AlertKey(key, st.Tag, kind, detail), Value = e.Value, Limit = e.Limit, Message = message,
        };
        long id = await OpenAsync(alert, ct);
        for (int n = 2; st.BandAlerts.Exists(a => a.Id == id); n++)
        {
            // The key is taken by an alert of this stream that has moved to another excursion (an earlier start, a
            // voided budget): this occurrence needs its own.
            id = await OpenAsync(alert with { Key = alert.Key + "." + n.ToString(CultureInfo.InvariantCulture) }, ct);
        }
        var added = new AlertRef { Id = id, Band = band.Name, StartMs = e.StartMs, Cumulative = cumulative, Trip = e.Trip };
        st.BandAlerts.Add(added);
        _claimed.Add(added);
    }

    private async Task ExcursionEndedAsync(ContainerKey key, StreamState st, Band band, Effect e, CancellationToken ct)
    {
        string name = band.Name;
        var entry = new ExcursionEntry
        {
            Band = name, StartMs = e.StartMs, EndMs = e.AtMs, Peak = e.Peak, DurationMs = e.DurationMs, UnknownMs = e.UnknownMs, Trip = e.Trip,
        };
        await UpsertExcursionAsync(key, st, entry, e.AtMs, ct);
        foreach (AlertRef known in st.BandAlerts)
        {
            if (known.Cumulative || known.Band != name || known.EndMs is not null || known.StartMs != e.StartMs) continue;
            known.EndMs = e.AtMs;
            await ResolveAsync(known.Id, ct);
        }
    }

    private async Task SyncOngoingAsync(ContainerKey key, StreamState st, Profile? profile, CancellationToken ct)
    {
        if (profile is null) return;
        BandState[] bands = st.Current.Bands;
        for (int i = 0; i < bands.Length && i < profile.Bands.Count; i++)
        {
            ref BandState b = ref bands[i];
            if (!b.Outside) continue;
            var entry = new ExcursionEntry
            {
                Band = profile.Bands[i].Name, StartMs = b.StartMs, Peak = b.Peak, DurationMs = b.LastMs - b.StartMs, UnknownMs = b.UnknownMs,
                Trip = st.Current.TripId,
            };
            await UpsertExcursionAsync(key, st, entry, long.MaxValue, ct);
        }
    }

    /// <summary>
    /// Records an excursion; entries of the same band that began inside it are the same excursion seen before late data
    /// moved its start earlier, and are deleted from the list and the store (keyed by start), so the store holds the
    /// excursions of the data in order.
    /// </summary>
    private async Task UpsertExcursionAsync(ContainerKey key, StreamState st, ExcursionEntry entry, long endMs, CancellationToken ct)
    {
        List<ExcursionEntry> list = st.Excursions;
        ExcursionEntry? same = null;
        List<long>? superseded = null;
        for (int j = list.Count - 1; j >= 0; j--)
        {
            ExcursionEntry old = list[j];
            if (old.Band != entry.Band || old.StartMs < entry.StartMs || old.StartMs > endMs) continue;
            if (old.StartMs == entry.StartMs)
            {
                same = old;
                continue;
            }
            list.RemoveAt(j);
            // Written under its earlier start first, so a failure between the two leaves a duplicate (healed when the
            // retried batch re-runs the window), never a hole.
            superseded ??= [];
            superseded.Add(old.StartMs);
            Log.ExcursionSuperseded(_logger, key, old.Band, DateTimeOffset.FromUnixTimeMilliseconds(old.StartMs), DateTimeOffset.FromUnixTimeMilliseconds(entry.StartMs));
        }
        if (same is not null && same.SameAs(entry) && superseded is null) return;
        if (same is not null)
        {
            list[list.IndexOf(same)] = entry;
        }
        else
        {
            int at = list.FindLastIndex(x => x.StartMs <= entry.StartMs) + 1;
            list.Insert(at, entry);
            if (list.Count > MaxExcursionsKept) list.RemoveAt(0);
        }
        await _store.PutExcursionAsync(ToExcursion(key, st.Tag, entry), ct);
        if (superseded is null) return;
        foreach (long startMs in superseded)
        {
            await _store.DeleteExcursionAsync(key, st.Tag, entry.Band, DateTimeOffset.FromUnixTimeMilliseconds(startMs), ct);
        }
    }

    private static Excursion ToExcursion(ContainerKey key, string tag, ExcursionEntry e) => new()
    {
        Container = key,
        Tag = tag,
        Band = e.Band,
        Start = DateTimeOffset.FromUnixTimeMilliseconds(e.StartMs),
        End = e.EndMs is { } end ? DateTimeOffset.FromUnixTimeMilliseconds(end) : null,
        Peak = e.Peak,
        Duration = TimeSpan.FromMilliseconds(e.DurationMs),
        Trip = e.Trip > 0 ? e.Trip : null,
    };

    // ---- shocks and battery

    private async Task ShockAsync(RuleInput input, ContainerState cs, StreamState st, CancellationToken ct)
    {
        ulong shockKey = ((ulong)input.Boot << 32) | input.Seq;
        if (st.Shocks.Exists(s => s.Key == shockKey)) return;
        double? threshold = cs.Profile?.ShockG;
        if (threshold is { } min && !(input.PeakG >= min)) return;
        int count = st.ShockCount + 1;
        double maxG = Math.Max(st.ShockMaxG, input.PeakG);
        if (threshold is not null)
        {
            // The alert first, the shock counted after: a store that refuses the open (a full disk) fails the batch, the
            // feed hands it over again, and the shock must then not be taken for one already handled (it was, and its
            // alert was lost: the chaos test's disk-full scenario, once). Opening is idempotent by key.
            Alert alert = NewAlert(input.Container, st.Tag, "shock", null, Severity.Warning, input.TimeMs, input.TimeMs) with
            {
                Key = AlertKey(input.Container, st.Tag, "shock", FormattableString.Invariant($"{input.Boot}.{input.Seq}")),
                Value = input.PeakG, Limit = threshold,
                Message = FormattableString.Invariant($"shock {input.PeakG} g ({count} this trip, max {maxG} g)"),
            };
            await OpenAsync(alert, ct);
        }
        st.Shocks.Add(new ShockRecord { Key = shockKey, TimeMs = input.TimeMs, G = input.PeakG });
        if (st.Shocks.Count > MaxShocksKept) st.Shocks.RemoveAt(0);
        st.ShockCount = count;
        st.ShockMaxG = maxG;
    }

    /// <summary>
    /// Battery by device time (issue 12; README.md "Battery"): a value at or below the limit says low, one at or above
    /// limit + <see cref="BatteryHysteresisV"/> says not low, one between says nothing. The latest deciding value by
    /// device time decides whether the battery is low, and the run of low values it ends says since when, whatever order
    /// the values arrive in (shared mode evaluates a partition's log in its order of appends, not of measurement). An
    /// alert is open exactly while the battery is low: one that arrives late and older than a deciding value already seen
    /// changes nothing but the since of the low run it belongs to (a low spell that began and ended before the latest
    /// value raises no alert of its own: the alert says the battery needs changing, not what it did in the past).
    /// </summary>
    private Task BatteryAsync(RuleInput input, ContainerState cs, StreamState st, CancellationToken ct) =>
        HealthyAgain(cs, st, input) ? Task.CompletedTask : BatteryRememberAsync(input, cs, st, ct);

    /// <summary>A battery value in any case: remembered (undone when the alert's store calls fail), the alert changed.</summary>
    private async Task BatteryRememberAsync(RuleInput input, ContainerState cs, StreamState st, CancellationToken ct)
    {
        if (cs.Profile?.BatteryV is not { } limit || double.IsNaN(input.BatteryV)) return;
        bool low = input.BatteryV <= limit;
        if (!low && !(input.BatteryV >= limit + BatteryHysteresisV)) return;
        _batteryUndo.Clear();
        foreach (BatteryPoint p in st.Battery) _batteryUndo.Add((p.TimeMs, p.Low));
        if (!st.RememberBattery(input.TimeMs, low)) return;
        try
        {
            await BatteryChangedAsync(input, st, limit, ct);
        }
        catch
        {
            // A store call failed (a full disk): the feed hands the batch over again, and the value must not be taken
            // for one already known then (RememberBattery would say "nothing changed" and the alert would never come). The
            // alert fields are set only after their store calls returned.
            st.RestoreBattery(_batteryUndo);
            throw;
        }
    }

    /// <summary>
    /// A battery value's commonest case, a healthy battery's next value with no alert open: the value kept moves to the
    /// new time and nothing else happens (StreamState.MoveHealthy, as RememberBattery takes it; BatteryChangedAsync's early return), without the undo
    /// copy and the two async calls (issue 12: every telemetry message carries the volts). False when the value is any
    /// other case, for <see cref="BatteryRememberAsync"/>.
    /// </summary>
    private static bool HealthyAgain(ContainerState cs, StreamState st, in RuleInput input)
    {
        if (cs.Profile?.BatteryV is not { } limit || !(input.BatteryV >= limit + BatteryHysteresisV) || st.BatteryAlertId != 0) return false;
        return st.MoveHealthy(input.TimeMs);
    }

    /// <summary>What a battery value that changed the deciding values does to the battery alert.</summary>
    private async Task BatteryChangedAsync(RuleInput input, StreamState st, double limit, CancellationToken ct)
    {
        List<BatteryPoint> points = st.Battery;
        if (!points[^1].Low)
        {
            if (st.BatteryAlertId == 0) return;
            await ResolveAsync(st.BatteryAlertId, ct);
            st.BatteryAlertId = 0;
            st.BatteryAlertSinceMs = 0;
            return;
        }

        int first = points.Count - 1;
        while (first > 0 && points[first - 1].Low) first--;
        long sinceMs = points[first].TimeMs;
        if (st.BatteryAlertId != 0)
        {
            // A state saved before the since was kept: the open alert is this run's.
            if (st.BatteryAlertSinceMs == 0) st.BatteryAlertSinceMs = sinceMs;
            if (sinceMs == st.BatteryAlertSinceMs) return;
            // The run reaches the oldest value kept and nothing not-low before it is known: it is the run the alert began
            // with, whose oldest values may have been dropped (StreamState.RememberBattery).
            if (first == 0 && points[0].Low && sinceMs > st.BatteryAlertSinceMs) return;
            if (sinceMs < st.BatteryAlertSinceMs)
            {
                // An earlier value of the same low run came late: the alert says since then, as a band alert follows its excursion.
                await _store.MoveAlertSinceAsync(st.BatteryAlertId, DateTimeOffset.FromUnixTimeMilliseconds(sinceMs), ct);
                st.BatteryAlertSinceMs = sinceMs;
                return;
            }
            // A not-low value came late inside the run the alert began with: that run ended there, the low one now is another.
            await ResolveAsync(st.BatteryAlertId, ct);
        }

        Alert alert = NewAlert(input.Container, st.Tag, "battery_low", null, Severity.Warning, sinceMs, input.TimeMs) with
        {
            Key = AlertKey(input.Container, st.Tag, "battery_low", sinceMs.ToString(CultureInfo.InvariantCulture)),
            Value = input.BatteryV, Limit = limit,
            Message = FormattableString.Invariant($"battery {input.BatteryV} V at or below {limit} V"),
        };
        Alert stored = await OpenStoredAsync(alert, ct);
        for (int n = 2; stored.State == AlertState.Resolved && stored.Since != alert.Since; n++)
        {
            // The key is an ended alert's of another run, raised when this run's first value was the earliest known and
            // moved earlier since (a replay finds its own alert by the same since): this run needs its own.
            stored = await OpenStoredAsync(alert with { Key = alert.Key + "." + n.ToString(CultureInfo.InvariantCulture) }, ct);
        }
        st.BatteryAlertId = stored.Id;
        st.BatteryAlertSinceMs = sinceMs;
    }

    /// <summary>As the tag's own battery_low event (protocol.md 4.2): cleared once 0.1 V above the threshold.</summary>
    private const double BatteryHysteresisV = 0.1;

    // ---- alerts

    private Alert NewAlert(ContainerKey key, string tag, string kind, string? band, Severity severity, long sinceMs, long alarmMs)
    {
        DateTimeOffset now = _time.GetUtcNow();
        DateTimeOffset alarmAt = DateTimeOffset.FromUnixTimeMilliseconds(alarmMs);
        return new Alert
        {
            Key = "",
            Container = key,
            Tag = tag,
            Kind = kind,
            Band = band,
            Severity = severity,
            Since = DateTimeOffset.FromUnixTimeMilliseconds(sinceMs),
            RaisedAt = now,
            Late = now > alarmAt ? now - alarmAt : TimeSpan.Zero,
        };
    }

    /// <summary>protocol.md 4.5 id: fleet.container.tag.kind.detail, the detail naming the occurrence in device time or sequence.</summary>
    private static string AlertKey(ContainerKey key, string tag, string kind, string detail) => $"{key.Fleet}.{key.Container}.{tag}.{kind}.{detail}";

    private static string KindOf(Band band, int side) =>
        (band.Metric == Metric.TemperatureC ? "temp" : "rh") + (side > 0 ? "_high" : "_low");

    private static string Describe(Band band, int side) =>
        (band.Metric == Metric.TemperatureC ? "temperature" : "humidity") + (side > 0 ? " at or above" : " at or below");

    private static bool IsMomentary(Alert alert) => alert.Kind == "shock" || alert.Key.Contains(".cum.", StringComparison.Ordinal);

    /// <summary>Opens the alert unless its key exists; notifies only when it is new. Returns its id either way.</summary>
    /// <summary>The id of the stream's open <c>tag_silent</c> alert in the store, if any (asked only before opening one).</summary>
    private async Task<long?> OpenSilenceAlertAsync(ContainerKey key, string tag, CancellationToken ct)
    {
        foreach (Alert alert in await _store.ListAlertsAsync(new AlertQuery(State: AlertState.Open, Fleet: key.Fleet, Container: key.Container, Limit: int.MaxValue), ct))
        {
            if (alert.Kind == "tag_silent" && alert.Tag == tag) return alert.Id;
        }

        return null;
    }

    /// <summary>
    /// How long <paramref name="alert"/> has been open, for escalation: monotonic since this engine first knew it, plus its
    /// age then (see <see cref="_alertClocks"/>). <paramref name="now"/> is read only for an alert not known before.
    /// </summary>
    private TimeSpan AgeOf(Alert alert, DateTimeOffset now)
    {
        if (!_alertClocks.TryGetValue(alert.Id, out (long Timestamp, TimeSpan AgeThen) clock))
        {
            TimeSpan age = now - alert.RaisedAt;
            clock = (_time.GetTimestamp(), age > TimeSpan.Zero ? age : TimeSpan.Zero);
            _alertClocks[alert.Id] = clock;
        }

        return clock.AgeThen + _time.GetElapsedTime(clock.Timestamp);
    }

    /// <summary>Drops the escalation clocks of alerts no longer open (acknowledged, resolved), so the map stays small.</summary>
    private void ForgetClosedAlertClocks(IReadOnlyList<Alert> open)
    {
        if (_alertClocks.Count == 0) return;
        HashSet<long> ids = [.. open.Select(a => a.Id)];
        foreach (long id in _alertClocks.Keys)
        {
            if (!ids.Contains(id)) _alertClocks.Remove(id);
        }
    }

    private async Task<long> OpenAsync(Alert alert, CancellationToken ct) => (await OpenStoredAsync(alert, ct)).Id;

    /// <summary><see cref="OpenAsync"/>, returning the stored alert (the one opened now or the one that had its key).</summary>
    private async Task<Alert> OpenStoredAsync(Alert alert, CancellationToken ct)
    {
        (Alert stored, bool created) = await _store.OpenAlertAsync(alert, ct);
        if (created)
        {
            _alertClocks[stored.Id] = (_time.GetTimestamp(), TimeSpan.Zero);
            Log.AlertRaised(_logger, stored.Id, stored.Key, stored.Severity.ToString(), stored.Late);
            await NotifyAsync(ct);
        }
        return stored;
    }

    private async Task ResolveAsync(long id, CancellationToken ct)
    {
        DateTimeOffset now = _time.GetUtcNow();
        // Field-wise (issue 12): an operator's acknowledgement at this moment is kept, and a resolved alert is told once.
        if (await _store.ResolveAlertAsync(id, now, ct) is not { Changed: true, Alert: { } stored }) return;
        Log.AlertResolved(_logger, stored.Id, stored.Key);
        await NotifyAsync(ct);
    }

    /// <summary>
    /// Records the warnings new readings issued or ended (<see cref="WarningPredictor.Changes"/>, oldest first) up to
    /// effect position <paramref name="upTo"/> in the store's outbox, each with the notification it owes (issue 12, README.md
    /// "Predictive warnings"), and hands them out like an alert change. A change is removed once the store has it: one the
    /// store failed to take stays first, for the next call. Shared mode: only the container's owner records its warnings.
    /// </summary>
    private async Task RecordWarningsAsync(int upTo, CancellationToken ct)
    {
        List<WarningChange> changes = _predictor.Changes;
        bool recorded = false;
        int done = 0;
        try
        {
            // Removed at the end in one go, not one by one from the front: a profile change can end a warning on every
            // container at once, and removing each from the list's front moved the rest every time.
            for (; done < changes.Count && changes[done].Position <= upTo; done++)
            {
                WarningChange change = changes[done];
                if (!Owns(change.Warning.Container)) continue;
                var notification = new WarningNotification(change.Transition, change.Warning, _time.GetUtcNow(), change.Reason);
                recorded |= await _store.RecordWarningAsync(notification, ct);
            }
        }
        finally
        {
            changes.RemoveRange(0, done);
        }
        if (recorded) await NotifyAsync(ct);
    }

    /// <summary>
    /// Delivers the notification the store recorded with the change just written (and anything else owed), in the store's
    /// order: the store's outbox, not this call, is what owes it, so a crash before or during this call loses nothing.
    /// </summary>
    private async Task NotifyAsync(CancellationToken ct) => await DispatchOwedAsync(ct);

    /// <summary>
    /// Hands every owed notification to the sinks (<see cref="AlertDispatcher"/>). A store failure here is logged, not
    /// thrown: the change is stored and its notification stays owed for the next change, timer tick or start.
    /// </summary>
    private async Task<int> DispatchOwedAsync(CancellationToken ct)
    {
        try
        {
            return await _dispatcher.DispatchAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DispatchLog.DispatchFailed(_logger, ex);
            return 0;
        }
    }
}
