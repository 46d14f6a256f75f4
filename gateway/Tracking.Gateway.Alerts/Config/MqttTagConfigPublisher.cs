using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Alerts.Hosting;
using Tracking.Gateway.Alerts.Mqtt;
using Tracking.Gateway.Alerts.Queueing;
using Tracking.Gateway.Api.Rules;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Alerts.Config;

/// <summary>
/// Publishes each tag's retained config (docs/protocol.md 4.4) on <c>tracking/v1/{fleet}/{container}/{tag}/config</c>,
/// QoS 1, made from the profile in force for its container (<see cref="TagConfigMapper"/>), so the tag's own urgent
/// reporting uses the gateway's limits. Published:
/// <list type="bullet">
/// <item>on an assignment to a container: to each of its known tags (those the rules engine has state for, and those
/// seen since the start);</item>
/// <item>on a fleet default: to the known tags of each of the fleet's known containers, each with the profile in force
/// for it (a container with its own assignment gets its own config again, unchanged);</item>
/// <item>on a changed profile: to the known tags of every known container it is in force for (tags whose config is
/// unchanged by it are skipped);</item>
/// <item>for a tag first seen since the start (a new tag, or every tag once after a restart): its container's config,
/// unless this process published that same config to it already. Retained per tag, so a tag that subscribes later
/// gets it from the broker; and a publish lost to a broker outage is repeated at the next start.</item>
/// </list>
/// A container with no profile in force (no assignment, no fleet default, no Rules:DefaultProfile) gets nothing: its
/// tags keep their config. Work is queued (<see cref="AlertOutbox{T}"/>), so neither the API nor the feed waits for
/// the broker; a full queue refuses new work (logged once per episode): a first-seen tag is then refused
/// (<see cref="TagSeen"/> returns false) and told again at its next message, an assignment's work is lost until the tags'
/// first messages after the next start.
/// </summary>
public sealed class MqttTagConfigPublisher : IProfileAssignmentListener, ITagSeenListener, IAsyncDisposable
{
    private readonly IAlertPublisher _publisher;
    private readonly IRuleStore _store;
    private readonly ProfileDirectory? _profiles;
    private readonly RuleEngine? _engine;
    private readonly AlertsOptions _options;
    private readonly string? _gatewayDefault;
    private readonly ILogger _logger;
    private readonly AlertOutbox<ConfigWork> _outbox;

    // Tags seen since the start, by container; read by the worker for the known tags of a container. An array per
    // container, replaced whole when a tag is added or removed: a container has one tag or a few, and a dictionary
    // per container made a new container's first tag cost 730 B and the dictionary's construction, 205 B now (issue 12:
    // bench ingest --cold-fleet makes 1,000 new containers at once).
    private readonly ConcurrentDictionary<ContainerKey, string[]> _seen = new();

    // The payload last published per tag. Only the outbox's worker touches it.
    private readonly Dictionary<(ContainerKey Container, string Tag), byte[]> _published = [];

    /// <param name="engine">Where the known tags of a container come from besides those seen since the start.</param>
    /// <param name="gatewayDefault">Rules:DefaultProfile: the profile of containers with neither their own nor a fleet default.</param>
    /// <param name="profiles">Where a first-seen tag's profile is looked up (in memory); null: the store, a call each.</param>
    public MqttTagConfigPublisher(IAlertPublisher publisher, IRuleStore store, RuleEngine? engine, AlertsOptions options, string? gatewayDefault,
        ILogger<MqttTagConfigPublisher>? logger = null, ProfileDirectory? profiles = null)
    {
        _profiles = profiles;
        _publisher = publisher;
        _store = store;
        _engine = engine;
        _options = options;
        _gatewayDefault = gatewayDefault;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _outbox = new AlertOutbox<ConfigWork>("config", options.QueueCapacity, HandleAsync, _logger);
    }

    internal AlertOutbox<ConfigWork> Outbox => _outbox;

    public Task ProfileAssignedAsync(ContainerKey container, Profile profile, CancellationToken ct)
    {
        _outbox.Offer(new ConfigWork(container, null));
        return Task.CompletedTask;
    }

    public Task ProfileChangedAsync(Profile profile, CancellationToken ct)
    {
        _outbox.Offer(new ConfigWork(default, null, profile.Name));
        return Task.CompletedTask;
    }

    public bool TagSeen(ContainerKey container, string tag)
    {
        // Lock-free reads on the hot path; only a tag's first message queues work.
        if (_seen.TryGetValue(container, out string[]? tags) && Array.IndexOf(tags, tag) >= 0) return true;
        // A full queue refuses the work: forgotten as seen and refused, so the engine tells it again at the tag's next
        // input.
        if (MarkSeen(container, tag) && !_outbox.Offer(new ConfigWork(container, tag)))
        {
            ForgetSeen(container, tag);
            return false;
        }
        return true;
    }

    /// <summary>Adds the tag to the container's seen tags; false when it was there (another caller added it first).</summary>
    private bool MarkSeen(ContainerKey container, string tag)
    {
        while (true)
        {
            if (!_seen.TryGetValue(container, out string[]? tags))
            {
                if (_seen.TryAdd(container, [tag])) return true;
            }
            else if (Array.IndexOf(tags, tag) >= 0)
            {
                return false;
            }
            else if (_seen.TryUpdate(container, [.. tags, tag], tags))
            {
                return true;
            }
        }
    }

    /// <summary>Removes the tag from the container's seen tags (the container stays known, as with no tag).</summary>
    private void ForgetSeen(ContainerKey container, string tag)
    {
        while (_seen.TryGetValue(container, out string[]? tags) && Array.IndexOf(tags, tag) is var at and >= 0)
        {
            if (_seen.TryUpdate(container, [.. tags.AsSpan(0, at), .. tags.AsSpan(at + 1)], tags)) return;
        }
    }

    private async Task HandleAsync(ConfigWork work, CancellationToken ct)
    {
        if (work.ChangedProfile is { } changed)
        {
            foreach (ContainerKey container in await ContainersOfAsync(null, ct).ConfigureAwait(false))
            {
                if ((await ProfileOfAsync(container, ct).ConfigureAwait(false))?.Name != changed) continue;
                await PublishAsync(container, await TagsOfAsync(container, ct).ConfigureAwait(false), force: false, ct).ConfigureAwait(false);
            }
        }
        else if (work.Tag is { } tag)
        {
            await PublishAsync(work.Container, [tag], force: false, ct, firstSeen: true).ConfigureAwait(false);
        }
        else if (work.Container.IsFleetDefault)
        {
            foreach (ContainerKey container in await ContainersOfAsync(work.Container.Fleet, ct).ConfigureAwait(false))
            {
                await PublishAsync(container, await TagsOfAsync(container, ct).ConfigureAwait(false), force: true, ct).ConfigureAwait(false);
            }
        }
        else
        {
            await PublishAsync(work.Container, await TagsOfAsync(work.Container, ct).ConfigureAwait(false), force: true, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The profile in force for the container, as the engine resolves it (own, fleet default, gateway default; stored,
    /// then presets). A tag first seen is looked up in the <see cref="ProfileDirectory"/> (a fleet of new tags costs no
    /// store call each); an assignment or a changed profile, rare and just written, in the store itself.
    /// </summary>
    private async Task<Profile?> ProfileOfAsync(ContainerKey container, CancellationToken ct, bool firstSeen = false)
    {
        ProfileDirectory? directory = firstSeen ? _profiles : null;
        string? name = (directory is not null
            ? await directory.AssignedProfileAsync(container, ct).ConfigureAwait(false)
            : await _store.AssignedProfileAsync(container, ct).ConfigureAwait(false)) ?? _gatewayDefault;
        if (name is null) return null;
        Profile? stored = directory is not null
            ? await directory.GetProfileAsync(name, ct).ConfigureAwait(false)
            : await _store.GetProfileAsync(name, ct).ConfigureAwait(false);
        return stored ?? ProfilePresets.Find(name);
    }

    private async Task PublishAsync(ContainerKey container, IReadOnlyCollection<string> tags, bool force, CancellationToken ct, bool firstSeen = false)
    {
        if (tags.Count == 0 || await ProfileOfAsync(container, ct, firstSeen).ConfigureAwait(false) is not { } profile) return;
        if (TagConfigMapper.Map(profile, _options, out string? error) is not { } config)
        {
            Log.ConfigUnmappable(_logger, profile.Name, container.ToString(), error ?? "");
            return;
        }
        byte[] payload = TagConfigPayload.Encode(config);
        foreach (string tag in tags)
        {
            if (!force && _published.TryGetValue((container, tag), out byte[]? last) && last.AsSpan().SequenceEqual(payload)) continue;
            string topic = TagConfigPayload.Topic(container, tag);
            if (await _publisher.PublishAsync(topic, payload, retain: true, ct).ConfigureAwait(false) is { } refusal)
            {
                Log.MqttRefused(_logger, topic, refusal);
                continue;
            }
            _published[(container, tag)] = payload;
            Log.ConfigPublished(_logger, topic, profile.Name, config.TempLowC, config.TempHighC, config.TempDelayS);
        }
    }

    private async Task<IReadOnlyCollection<string>> TagsOfAsync(ContainerKey container, CancellationToken ct)
    {
        SortedSet<string> tags = new(StringComparer.Ordinal);
        if (_engine is not null) tags.UnionWith(await _engine.TagsAsync(container, ct).ConfigureAwait(false));
        if (_seen.TryGetValue(container, out string[]? seen)) tags.UnionWith(seen);
        return tags;
    }

    /// <summary>The known containers of a fleet (every fleet when null): those with rules state and those seen since the start.</summary>
    private async Task<IReadOnlyCollection<ContainerKey>> ContainersOfAsync(string? fleet, CancellationToken ct)
    {
        HashSet<ContainerKey> containers = [.. (await _store.ListContainersAsync(ct).ConfigureAwait(false)).Where(k => fleet is null || k.Fleet == fleet)];
        containers.UnionWith(_seen.Keys.Where(k => fleet is null || k.Fleet == fleet));
        return containers;
    }

    public ValueTask DisposeAsync() => _outbox.DisposeAsync();
}
