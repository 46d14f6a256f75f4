using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Trips;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// <see cref="IRuleStore"/> in memory: for tests and for a gateway run that needs no state across restarts. One lock;
/// the interface's rules (alert and warning keys unique, excursions keyed by container, band and start) hold as in the SQL
/// stores.
/// </summary>
public sealed class InMemoryRuleStore : IRuleStore
{
    private const string FleetDefault = ContainerKey.FleetDefault;
    private readonly object _sync = new();
    private readonly Dictionary<string, Profile> _profiles = new(StringComparer.Ordinal);
    private readonly Dictionary<ContainerKey, string> _assignments = [];
    private readonly Dictionary<long, Alert> _alerts = [];
    private readonly Dictionary<string, long> _alertKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<(ContainerKey, string, string, DateTimeOffset), Excursion> _excursions = [];
    private readonly Dictionary<ContainerKey, byte[]> _states = [];
    // Window chunks by container, tag and chunk number.
    private readonly Dictionary<ContainerKey, Dictionary<string, SortedDictionary<long, byte[]>>> _chunks = [];
    private readonly Dictionary<ContainerKey, List<Trip>> _trips = [];
    // The outbox: owed notifications by seq (a SortedDictionary: dispatched oldest first, forgotten one by one).
    private readonly SortedDictionary<long, AlertEvent> _events = [];
    // Predictive warnings recorded, by key (WarningNotification.KeyOf): whether each has ended.
    private readonly Dictionary<string, bool> _warnings = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _dispatching = new(1, 1);
    private long _nextAlertId = 1;
    private long _nextTripId = 1;
    private long _nextEventSeq = 1;
    private long _profileVersion;

    public Task<Profile?> GetProfileAsync(string name, CancellationToken ct = default)
    {
        lock (_sync) return Task.FromResult(_profiles.GetValueOrDefault(name));
    }

    public Task<IReadOnlyList<Profile>> ListProfilesAsync(CancellationToken ct = default)
    {
        lock (_sync) return Task.FromResult<IReadOnlyList<Profile>>([.. _profiles.Values.OrderBy(p => p.Name, StringComparer.Ordinal)]);
    }

    public Task PutProfileAsync(Profile profile, CancellationToken ct = default)
    {
        lock (_sync)
        {
            _profiles[profile.Name] = profile;
            _profileVersion++;
        }
        return Task.CompletedTask;
    }

    public Task AssignProfileAsync(ContainerKey container, string profile, CancellationToken ct = default)
    {
        lock (_sync)
        {
            _assignments[container] = profile;
            _profileVersion++;
        }
        return Task.CompletedTask;
    }

    /// <summary>Counts the profile, assignment and trip writes: this store has no other writer.</summary>
    public Task<long?> ProfileVersionAsync(CancellationToken ct = default)
    {
        lock (_sync) return Task.FromResult<long?>(_profileVersion);
    }

    public Task<string?> AssignedProfileAsync(ContainerKey container, CancellationToken ct = default)
    {
        lock (_sync)
        {
            return Task.FromResult(_assignments.GetValueOrDefault(container)
                ?? _assignments.GetValueOrDefault(container with { Container = FleetDefault }));
        }
    }

    public Task<IReadOnlyList<ProfileAssignment>> ListAssignmentsAsync(CancellationToken ct = default)
    {
        lock (_sync) return Task.FromResult<IReadOnlyList<ProfileAssignment>>([.. _assignments.Select(a => new ProfileAssignment(a.Key, a.Value))]);
    }

    public Task<(Alert Alert, bool Created)> OpenAlertAsync(Alert alert, CancellationToken ct = default)
    {
        lock (_sync)
        {
            if (_alertKeys.TryGetValue(alert.Key, out long existing)) return Task.FromResult((_alerts[existing], false));
            Alert stored = alert with { Id = _nextAlertId++, Version = 0 };
            _alerts[stored.Id] = stored;
            _alertKeys[stored.Key] = stored.Id;
            Owe(AlertTransition.Raised, stored, stored.RaisedAt);
            return Task.FromResult((stored, true));
        }
    }

    public Task<Alert?> UpdateAlertAsync(Alert alert, CancellationToken ct = default)
    {
        lock (_sync)
        {
            // Written since the caller read it: its change would undo the other writer's.
            if (!_alerts.TryGetValue(alert.Id, out Alert? old) || old.Version != alert.Version) return Task.FromResult<Alert?>(null);
            // The key names what the alert is about: it never changes.
            Alert stored = alert with { Key = old.Key, Version = old.Version + 1 };
            _alerts[alert.Id] = stored;
            return Task.FromResult<Alert?>(stored);
        }
    }

    public Task<AlertChange> AcknowledgeAlertAsync(long id, string by, DateTimeOffset at, string? note, CancellationToken ct = default) =>
        Change(id, AlertTransition.Acknowledged, at, a => a.AcknowledgedAt is null, a => a with
        {
            State = a.State == AlertState.Open ? AlertState.Acknowledged : a.State, AcknowledgedBy = by, AcknowledgedAt = at, AcknowledgeNote = note,
        });

    public Task<AlertChange> ResolveAlertAsync(long id, DateTimeOffset at, CancellationToken ct = default) =>
        Change(id, AlertTransition.Resolved, at, a => a.State != AlertState.Resolved, a => a with { State = AlertState.Resolved, ResolvedAt = at });

    public Task<AlertChange> EscalateAlertAsync(long id, int seenEscalations, Severity severity, DateTimeOffset at, CancellationToken ct = default) =>
        Change(id, AlertTransition.Escalated, at, a => a.State == AlertState.Open && a.Escalations == seenEscalations,
            a => a with { Severity = severity, Escalations = a.Escalations + 1 });

    public Task<AlertChange> MoveAlertSinceAsync(long id, DateTimeOffset since, CancellationToken ct = default) =>
        Change(id, null, default, _ => true, a => a with { Since = since });

    /// <summary>
    /// One conditional write under the lock, as the SQL stores' UPDATE ... WHERE: the condition sees the current row. A
    /// change that is notified records its event under the same lock (the outbox: one atomic fact).
    /// </summary>
    private Task<AlertChange> Change(long id, AlertTransition? transition, DateTimeOffset at, Func<Alert, bool> when, Func<Alert, Alert> change)
    {
        lock (_sync)
        {
            if (!_alerts.TryGetValue(id, out Alert? old)) return Task.FromResult(new AlertChange(null, false));
            if (!when(old)) return Task.FromResult(new AlertChange(old, false));
            Alert stored = change(old) with { Version = old.Version + 1 };
            _alerts[id] = stored;
            if (transition is { } t) Owe(t, stored, at);
            return Task.FromResult(new AlertChange(stored, true));
        }
    }

    /// <summary>Under <see cref="_sync"/>: records the notification a change owes.</summary>
    private void Owe(AlertTransition transition, Alert alert, DateTimeOffset at)
    {
        long seq = _nextEventSeq++;
        _events[seq] = new AlertEvent(seq, new AlertNotification(transition, alert, at));
    }

    public Task<bool> RecordWarningAsync(WarningNotification notification, CancellationToken ct = default)
    {
        lock (_sync)
        {
            string key = WarningNotification.KeyOf(notification.Warning);
            bool known = _warnings.TryGetValue(key, out bool ended);
            // Issued: once per key. Ended: once, whether or not its issue was recorded (one in force across an upgrade).
            if (notification.Transition == WarningTransition.Issued ? known : ended) return Task.FromResult(false);
            _warnings[key] = notification.Transition == WarningTransition.Ended;
            long seq = _nextEventSeq++;
            _events[seq] = new AlertEvent(seq, null, notification);
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<AlertEvent>> ListAlertEventsAsync(int limit, CancellationToken ct = default)
    {
        lock (_sync) return Task.FromResult<IReadOnlyList<AlertEvent>>([.. _events.Values.Take(Math.Max(0, limit))]);
    }

    public async Task<int> DispatchAlertEventsAsync(int limit,
        Func<IReadOnlyList<AlertEvent>, CancellationToken, Task<IReadOnlyCollection<long>>> deliver, CancellationToken ct = default)
    {
        // One round at a time, as PostgreSQL's advisory lock makes it across gateways: an event is handed out once.
        await _dispatching.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            IReadOnlyList<AlertEvent> owed = await ListAlertEventsAsync(limit, ct).ConfigureAwait(false);
            if (owed.Count == 0) return 0;
            IReadOnlyCollection<long> delivered = await deliver(owed, ct).ConfigureAwait(false);
            int forgotten = 0;
            lock (_sync)
            {
                foreach (long seq in delivered)
                {
                    if (_events.Remove(seq)) forgotten++;
                }
            }
            return forgotten;
        }
        finally
        {
            _dispatching.Release();
        }
    }

    public Task<Alert?> GetAlertAsync(long id, CancellationToken ct = default)
    {
        lock (_sync) return Task.FromResult(_alerts.GetValueOrDefault(id));
    }

    public Task<IReadOnlyList<Alert>> ListAlertsAsync(AlertQuery query, CancellationToken ct = default)
    {
        lock (_sync)
        {
            IEnumerable<Alert> alerts = _alerts.Values
                .Where(a => query.State is null || a.State == query.State)
                .Where(a => query.Fleet is null || a.Container.Fleet == query.Fleet)
                .Where(a => query.Container is null || a.Container.Container == query.Container)
                .OrderByDescending(a => a.RaisedAt).ThenByDescending(a => a.Id)
                .Take(query.Limit);
            return Task.FromResult<IReadOnlyList<Alert>>([.. alerts]);
        }
    }

    public Task PutExcursionAsync(Excursion excursion, CancellationToken ct = default)
    {
        lock (_sync) _excursions[(excursion.Container, excursion.Tag, excursion.Band, excursion.Start)] = excursion;
        return Task.CompletedTask;
    }

    public Task<bool> DeleteExcursionAsync(ContainerKey container, string tag, string band, DateTimeOffset start, CancellationToken ct = default)
    {
        lock (_sync) return Task.FromResult(_excursions.Remove((container, tag, band, start)));
    }

    public Task<IReadOnlyList<Excursion>> ListExcursionsAsync(ContainerKey container, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        lock (_sync)
        {
            IEnumerable<Excursion> found = _excursions.Values
                .Where(e => e.Container == container && e.Start < to && (e.End ?? DateTimeOffset.MaxValue) > from)
                .OrderBy(e => e.Start).ThenBy(e => e.Band, StringComparer.Ordinal).ThenBy(e => e.Tag, StringComparer.Ordinal);
            return Task.FromResult<IReadOnlyList<Excursion>>([.. found]);
        }
    }

    public Task SaveStateAsync(ContainerKey container, ReadOnlyMemory<byte> state, CancellationToken ct = default)
    {
        lock (_sync) _states[container] = state.ToArray();
        return Task.CompletedTask;
    }

    public Task SaveStatesAsync(IReadOnlyList<ContainerSnapshot> states, CancellationToken ct = default)
    {
        // All or none: the list read whole before anything changes (reading it may fail).
        ContainerSnapshot[] all = [.. states];
        lock (_sync)
        {
            foreach (ContainerSnapshot snapshot in all)
            {
                _states[snapshot.Container] = snapshot.State.ToArray();
                if (snapshot.Ranges.IsEmpty && snapshot.Chunks.IsEmpty) continue;
                if (!_chunks.TryGetValue(snapshot.Container, out Dictionary<string, SortedDictionary<long, byte[]>>? byTag))
                {
                    _chunks[snapshot.Container] = byTag = new(StringComparer.Ordinal);
                }
                foreach (ChunkRange range in snapshot.Ranges.Span)
                {
                    if (!byTag.TryGetValue(range.Tag, out SortedDictionary<long, byte[]>? chunks)) continue;
                    foreach (long number in chunks.Keys.Where(n => n < range.First || n > range.Last).ToList()) chunks.Remove(number);
                }
                foreach (WindowChunk chunk in snapshot.Chunks.Span)
                {
                    if (!byTag.TryGetValue(chunk.Tag, out SortedDictionary<long, byte[]>? chunks)) byTag[chunk.Tag] = chunks = [];
                    chunks[chunk.Number] = chunk.Samples.ToArray();
                }
            }
        }
        return Task.CompletedTask;
    }

    public Task<StoredState?> LoadStateAsync(ContainerKey container, CancellationToken ct = default)
    {
        lock (_sync)
        {
            if (!_states.TryGetValue(container, out byte[]? state)) return Task.FromResult<StoredState?>(null);
            List<WindowChunk> chunks = [];
            if (_chunks.TryGetValue(container, out Dictionary<string, SortedDictionary<long, byte[]>>? byTag))
            {
                foreach ((string tag, SortedDictionary<long, byte[]> numbered) in byTag)
                {
                    foreach ((long number, byte[] samples) in numbered) chunks.Add(new WindowChunk(tag, number, samples.ToArray()));
                }
            }
            return Task.FromResult<StoredState?>(new StoredState(state.ToArray(), chunks));
        }
    }

    public Task<IReadOnlyList<ContainerKey>> ListContainersAsync(CancellationToken ct = default)
    {
        lock (_sync) return Task.FromResult<IReadOnlyList<ContainerKey>>([.. _states.Keys]);
    }

    public Task<TripChange> StartTripAsync(Trip trip, CancellationToken ct = default)
    {
        lock (_sync)
        {
            List<Trip> trips = TripsOf(trip.Container);
            Trip? latest = trips.Count > 0 ? trips[^1] : null;
            if (!TripRules.MayStart(latest, trip.Start)) return Task.FromResult(new TripChange(TripOutcome.Overlaps, latest));
            Trip? ended = null;
            if (latest is { End: null })
            {
                ended = latest with { End = trip.Start };
                trips[^1] = ended;
            }
            Trip started = trip with { Id = _nextTripId++, End = null };
            trips.Add(started);
            _profileVersion++;
            return Task.FromResult(new TripChange(TripOutcome.Done, started, ended));
        }
    }

    public Task<TripChange> EndTripAsync(ContainerKey container, DateTimeOffset end, CancellationToken ct = default)
    {
        lock (_sync)
        {
            List<Trip> trips = TripsOf(container);
            if (trips.Count == 0 || trips[^1].End is not null) return Task.FromResult(new TripChange(TripOutcome.NoOpenTrip, null));
            if (!TripRules.MayEnd(trips[^1], end)) return Task.FromResult(new TripChange(TripOutcome.EndBeforeStart, trips[^1]));
            Trip ended = trips[^1] with { End = end };
            trips[^1] = ended;
            _profileVersion++;
            return Task.FromResult(new TripChange(TripOutcome.Done, ended));
        }
    }

    public Task<IReadOnlyList<Trip>> ListTripsAsync(ContainerKey container, CancellationToken ct = default)
    {
        lock (_sync) return Task.FromResult<IReadOnlyList<Trip>>(_trips.TryGetValue(container, out List<Trip>? trips) ? [.. Enumerable.Reverse(trips)] : []);
    }

    public Task<IReadOnlyList<ContainerKey>> ListTripContainersAsync(CancellationToken ct = default)
    {
        lock (_sync) return Task.FromResult<IReadOnlyList<ContainerKey>>([.. _trips.Where(t => t.Value.Count > 0).Select(t => t.Key)]);
    }

    public Task<Trip?> GetTripAsync(ContainerKey container, long id, CancellationToken ct = default)
    {
        lock (_sync) return Task.FromResult(_trips.TryGetValue(container, out List<Trip>? trips) ? trips.Find(t => t.Id == id) : null);
    }

    /// <summary>The container's trips, oldest first (a start only ever appends: trips follow one another).</summary>
    private List<Trip> TripsOf(ContainerKey container)
    {
        if (!_trips.TryGetValue(container, out List<Trip>? trips)) _trips[container] = trips = [];
        return trips;
    }
}
