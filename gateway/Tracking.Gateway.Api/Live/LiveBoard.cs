using System.Buffers;
using System.Text.Json;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live.Dto;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Prediction;

namespace Tracking.Gateway.Api.Live;

/// <summary>
/// The latest-per-container view behind <c>GET /api/v1/containers</c> and the stream: fed by the host's own spool reader
/// (readings, statuses), the rules' alert notifications and a refresher (warnings, profiles), so a list request never
/// queries InfluxDB or the rule store. Entries are updated in place under one lock; a request filters into a pooled
/// array, sorts it with a cached comparer and builds DTOs for its page only. Every change that the stream carries is
/// published to the <see cref="StreamHub"/> under the same lock, so events leave in the order the view changed.
/// </summary>
public sealed class LiveBoard(StreamHub hub)
{
    public const int MaxPageSize = 1000;

    private const int StateCount = (int)LiveState.Excursion + 1;

    private readonly object _sync = new();
    private readonly Dictionary<ContainerKey, BoardEntry> _entries = [];
    private readonly List<BoardEntry> _list = [];
    // Containers with news since the refresher last took them, each once (BoardEntry.RefreshQueued): a flag on the entry
    // the message already found, not a set of keys, whose add hashed both key strings again for every message (about
    // 0.8 % of the gateway's CPU in bench ingest, perf).
    private readonly List<BoardEntry> _refresh = [];

    // Containers whose profile (and the warnings computed with it) must be read now, not at the next refresh: first seen,
    // or their assignment, fleet default or profile changed. The semaphore (0 or 1) wakes the refresher.
    private readonly HashSet<ContainerKey> _urgent = [];
    private readonly SemaphoreSlim _urgentSignal = new(0, 1);

    public int Count { get { lock (_sync) return _list.Count; } }

    /// <summary>
    /// A telemetry message's readings; the container's latest is the newest by device time over its tags (a backlog that
    /// arrives late does not replace a newer reading). <paramref name="publish"/> false: a refill, no stream event.
    /// </summary>
    public void ApplyReadings(ContainerKey key, string tag, long arrivalMs, ReadOnlySpan<LiveReading> readings, bool publish = true)
    {
        lock (_sync)
        {
            BoardEntry e = Entry(key);
            TagView t = Seen(e, tag, arrivalMs);
            foreach (LiveReading r in readings)
            {
                if (!e.HasReading || r.TimeMs >= e.Reading.TimeMs) (e.HasReading, e.Reading, e.ReadingTag) = (true, r, tag);
            }
            if (!e.RefreshQueued)
            {
                e.RefreshQueued = true;
                _refresh.Add(e);
            }
            // Gathered into the fleet's next readings event, serialized only when a client is sent it (bench fleet-list, "feed").
            // The tag's cache of its name indexes: the hub looks up neither name in the steady state.
            if (publish && readings.Length > 0) hub.PublishReadings(key, tag, readings, t.StreamNames);
            Restate(e);
        }
    }

    /// <summary>
    /// A status message (docs/protocol.md 4.3); the newest by arrival wins, and is a <c>tag_status</c> event (the tag as
    /// the list shows it). <paramref name="publish"/> false: a refill, no stream event.
    /// </summary>
    public void ApplyStatus(ContainerKey key, string tag, in LiveTagStatus status, bool publish = true)
    {
        lock (_sync)
        {
            BoardEntry e = Entry(key);
            TagView t = Seen(e, tag, status.ArrivalMs);
            if (t.HasStatus && status.ArrivalMs < t.Status.ArrivalMs) return;
            // The will ({"v":1,"online":false}) says only that the session broke: the last battery, firmware and so on stay.
            t.Status = t.HasStatus && !status.Online && status.Firmware is null ? t.Status with { Online = false, ArrivalMs = status.ArrivalMs } : status;
            t.HasStatus = true;
            if (!publish) return;
            // Serialized now: statuses are rare (one per session of a tag), and the view may change before a client reads it.
            Publish("tag_status", key.Fleet, JsonSerializer.SerializeToUtf8Bytes(
                new TagStatusEventDto { Fleet = key.Fleet, Container = key.Container, Status = TagDto(t) }, LiveApiJson.Default.TagStatusEventDto));
        }
    }

    /// <summary>Anything else from a tag (events): it is alive.</summary>
    public void ApplySeen(ContainerKey key, string tag, long arrivalMs)
    {
        lock (_sync) Seen(Entry(key), tag, arrivalMs);
    }

    /// <summary>An alert change from the rules (<see cref="LiveAlertSink"/>): the container's unresolved alerts, and a stream event.</summary>
    public void ApplyAlert(AlertNotification n)
    {
        lock (_sync)
        {
            BoardEntry e = Entry(n.Alert.Container);
            Track(e, n.Alert);
            Publish("alert", n.Alert.Container.Fleet, JsonSerializer.SerializeToUtf8Bytes(new AlertEventDto
            {
                Transition = n.Transition.ToString().ToLowerInvariant(),
                At = n.At,
                Alert = AlertDto.From(n.Alert),
            }, LiveApiJson.Default.AlertEventDto));
            Restate(e);
        }
    }

    /// <summary>The unresolved alerts of the store at start (no event: they are not news).</summary>
    public void LoadAlerts(IEnumerable<Alert> alerts)
    {
        lock (_sync)
        {
            foreach (Alert a in alerts)
            {
                BoardEntry e = Entry(a.Container);
                // A notification that came meanwhile is newer than the store's copy.
                if (a.State != AlertState.Resolved && !e.Alerts.Exists(x => x.Id == a.Id)) e.Alerts.Add(a);
                Restate(e);
            }
        }
    }

    /// <summary>The container's predictive warnings in force (from the rules engine); a <c>warnings</c> event when they changed.</summary>
    public void ApplyWarnings(ContainerKey key, IReadOnlyList<PredictiveWarning> warnings)
    {
        lock (_sync)
        {
            if (!_entries.TryGetValue(key, out BoardEntry? e)) return;
            WarningBriefDto[] now = [.. warnings.Select(w => new WarningBriefDto
            {
                Tag = w.Tag, Band = w.Band, Kind = w.Kind, Severity = w.Severity.ToString().ToLowerInvariant(), PredictedAlarm = w.PredictedAlarm,
            })];
            if (now.SequenceEqual(e.Warnings)) return;
            e.Warnings = now;
            Publish("warnings", key.Fleet, JsonSerializer.SerializeToUtf8Bytes(
                new WarningEventDto { Fleet = key.Fleet, Container = key.Container, Warnings = now }, LiveApiJson.Default.WarningEventDto));
            Restate(e);
        }
    }

    /// <summary>The profile in force for the container; a <c>profile</c> event when it changed.</summary>
    public void ApplyProfile(ContainerKey key, string? profile)
    {
        lock (_sync)
        {
            if (!_entries.TryGetValue(key, out BoardEntry? e) || e.Profile == profile) return;
            e.Profile = profile;
            Publish("profile", key.Fleet, JsonSerializer.SerializeToUtf8Bytes(
                new ProfileEventDto { Fleet = key.Fleet, Container = key.Container, Profile = profile }, LiveApiJson.Default.ProfileEventDto));
        }
    }

    /// <summary>Has the container's profile and warnings read at once (its own assignment changed).</summary>
    public void RefreshContainer(ContainerKey key)
    {
        lock (_sync)
        {
            if (_entries.ContainsKey(key)) Urgent(key);
        }
    }

    /// <summary>Has the profile and warnings of every container of <paramref name="fleet"/> read at once (its default changed).</summary>
    public void RefreshFleet(string fleet)
    {
        lock (_sync)
        {
            foreach (BoardEntry e in _list)
            {
                if (e.Key.Fleet == fleet) Urgent(e.Key);
            }
        }
    }

    /// <summary>Has the warnings of every container under <paramref name="profile"/> read at once (a new version of it was stored).</summary>
    public void RefreshProfile(string profile)
    {
        lock (_sync)
        {
            foreach (BoardEntry e in _list)
            {
                if (e.Profile == profile) Urgent(e.Key);
            }
        }
    }

    /// <summary>Completes when there are containers to read at once (<see cref="TakeUrgent"/>).</summary>
    public Task WaitUrgentAsync(CancellationToken ct) => _urgentSignal.WaitAsync(ct);

    /// <summary>The containers to read at once, since the last call.</summary>
    public void TakeUrgent(List<ContainerKey> into)
    {
        lock (_sync)
        {
            into.AddRange(_urgent);
            _urgent.Clear();
        }
    }

    /// <summary>Containers with news since the last call: their warnings and profiles are read again.</summary>
    public void TakeRefresh(List<ContainerKey> into)
    {
        lock (_sync)
        {
            foreach (BoardEntry e in _refresh)
            {
                into.Add(e.Key);
                e.RefreshQueued = false;
            }
            _refresh.Clear();
        }
    }

    /// <summary>Whether the container is on the board, and the fleets it is on (a scoped caller's only).</summary>
    public IReadOnlyList<string> FleetsOf(string container, FleetScope scope)
    {
        lock (_sync)
        {
            List<string> fleets = [];
            foreach (BoardEntry e in _list)
            {
                if (e.Key.Container == container && scope.Allows(e.Key.Fleet)) fleets.Add(e.Key.Fleet);
            }
            fleets.Sort(StringComparer.Ordinal);
            return fleets;
        }
    }

    public ContainerPageDto Query(ContainerQuery q, FleetScope scope)
    {
        lock (_sync)
        {
            BoardEntry[] selected = ArrayPool<BoardEntry>.Shared.Rent(Math.Max(1, _list.Count));
            try
            {
                Span<int> counts = stackalloc int[StateCount];
                int n = 0;
                foreach (BoardEntry e in _list)
                {
                    if (!scope.Allows(e.Key.Fleet) || (q.Fleet is not null && e.Key.Fleet != q.Fleet)) continue;
                    if (q.Text is not null && !Matches(e, q.Text)) continue;
                    counts[(int)e.State]++;
                    if (q.StateMask != 0 && (q.StateMask & (1 << (int)e.State)) == 0) continue;
                    selected[n++] = e;
                }
                Array.Sort(selected, 0, n, EntryComparer.For(q.Sort, q.Descending));
                long skip = (long)(q.Page - 1) * q.PageSize;
                int size = (int)Math.Clamp(n - skip, 0, q.PageSize);
                var page = new ContainerDto[size];
                for (int i = 0; i < size; i++) page[i] = ToDto(selected[skip + i]);
                Array.Clear(selected, 0, n);
                return new ContainerPageDto
                {
                    Total = n,
                    Page = q.Page,
                    PageSize = q.PageSize,
                    Counts = new StateCountsDto
                    {
                        Ok = counts[(int)LiveState.Ok], Warning = counts[(int)LiveState.Warning], Excursion = counts[(int)LiveState.Excursion],
                        Silent = counts[(int)LiveState.Silent], LowBattery = counts[(int)LiveState.LowBattery], Unknown = counts[(int)LiveState.Unknown],
                    },
                    Containers = page,
                };
            }
            finally
            {
                ArrayPool<BoardEntry>.Shared.Return(selected);
            }
        }
    }

    private static bool Matches(BoardEntry e, string text)
    {
        if (e.Key.Container.Contains(text, StringComparison.OrdinalIgnoreCase)) return true;
        foreach (TagView t in e.Tags)
        {
            if (t.Tag.Contains(text, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return e.Profile is { } p && p.Contains(text, StringComparison.OrdinalIgnoreCase);
    }

    private BoardEntry Entry(ContainerKey key)
    {
        if (_entries.TryGetValue(key, out BoardEntry? e)) return e;
        e = new BoardEntry(key);
        _entries.Add(key, e);
        _list.Add(e);
        // First seen: its profile is read now (not at the next refresh), so the list and the charts have it from the start.
        Urgent(key);
        return e;
    }

    /// <summary>Under the lock: the key is added before the signal, so the refresher woken always finds it.</summary>
    private void Urgent(ContainerKey key)
    {
        _urgent.Add(key);
        if (_urgentSignal.CurrentCount == 0) _urgentSignal.Release();
    }

    private static TagView Seen(BoardEntry e, string tag, long arrivalMs)
    {
        TagView t = e.Tag(tag);
        if (arrivalMs > t.LastSeenMs) t.LastSeenMs = arrivalMs;
        if (arrivalMs > e.LastSeenMs) e.LastSeenMs = arrivalMs;
        return t;
    }

    private static void Track(BoardEntry e, Alert alert)
    {
        e.Alerts.RemoveAll(a => a.Id == alert.Id);
        if (alert.State != AlertState.Resolved) e.Alerts.Add(alert);
    }

    /// <summary>Applies the state rule (<see cref="LiveStates"/>); a <c>state</c> event when it changed.</summary>
    private void Restate(BoardEntry e)
    {
        LiveState state = LiveStates.Of(e.HasReading, e.Alerts, e.Warnings.Count);
        if (state == e.State) return;
        LiveState previous = e.State;
        e.State = state;
        Publish("state", e.Key.Fleet, JsonSerializer.SerializeToUtf8Bytes(new StateEventDto
        {
            Fleet = e.Key.Fleet, Container = e.Key.Container, State = LiveStates.Name(state), Previous = LiveStates.Name(previous),
        }, LiveApiJson.Default.StateEventDto));
    }

    private void Publish(string type, string fleet, byte[] json) => hub.Publish(type, fleet, new JsonPayload(json));

    private static ContainerDto ToDto(BoardEntry e) => new()
    {
        Fleet = e.Key.Fleet,
        Container = e.Key.Container,
        Profile = e.Profile,
        State = LiveStates.Name(e.State),
        Reading = e.HasReading
            ? new LatestReadingDto
            {
                Tag = e.ReadingTag, Time = DateTimeOffset.FromUnixTimeMilliseconds(e.Reading.TimeMs), TempC = Value(e.Reading.TemperatureC),
                RhPct = Value(e.Reading.HumidityPct), PressureHpa = Value(e.Reading.PressureHpa), PeakG = Value(e.Reading.PeakG),
            }
            : null,
        LastSeen = e.LastSeenMs == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(e.LastSeenMs),
        Alerts = [.. e.Alerts.OrderByDescending(a => a.Severity).ThenBy(a => a.Id).Select(a => new AlertBriefDto
        {
            Id = a.Id, Kind = a.Kind, Band = a.Band, Severity = a.Severity.ToString().ToLowerInvariant(),
            State = a.State.ToString().ToLowerInvariant(), Since = a.Since,
        })],
        Warnings = e.Warnings.Count,
        Tags = [.. e.Tags.Select(TagDto)],
    };

    private static TagStatusDto TagDto(TagView t) => new()
    {
        Tag = t.Tag,
        LastSeen = DateTimeOffset.FromUnixTimeMilliseconds(t.LastSeenMs),
        StatusAt = t.HasStatus ? DateTimeOffset.FromUnixTimeMilliseconds(t.Status.ArrivalMs) : null,
        Online = t.HasStatus ? t.Status.Online : null,
        BatteryV = t.HasStatus ? Value(t.Status.BatteryV) : null,
        RssiDbm = t.HasStatus ? t.Status.Rssi : null,
        SpoolDepth = t.HasStatus ? t.Status.SpoolDepth : null,
        Firmware = t.HasStatus ? t.Status.Firmware : null,
        ReportS = t.HasStatus ? t.Status.ReportS : null,
    };

    /// <summary>JSON has no NaN: no value is null.</summary>
    private static double? Value(double v) => double.IsFinite(v) ? v : null;
}
