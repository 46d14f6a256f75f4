using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// The fan-out of <c>GET /api/v1/stream</c>: gives every event the next id, keeps the newest events in a ring for resuming
/// (at most <see cref="LiveOptions.StreamWindow"/> in weight: readings, or 1 per other event), and offers each event to
/// every subscriber whose scope allows its fleet. Ids increase strictly and are consecutive, also across restarts: a
/// run's first id is its start time in Unix ms times 1000, so an id of an earlier run is older than the window and resumes
/// as a <c>reset</c>.
/// Readings are not an event each: they gather per fleet for <see cref="LiveOptions.StreamBatch"/> and leave as one
/// <c>readings</c> event (<see cref="ReadingBatch"/>), one id, one frame shared by every client of the fleet; any other
/// event of the fleet first sends what has gathered, so a client sees a reading before the state change it caused.
/// Subscribers are kept per fleet (and those of every fleet apart), so an event is offered only to the clients that may
/// see it: no scope check per event and client.
/// A <c>readings</c> event names a reading's container and tag by the index of their stream in the fleet's name table
/// (<see cref="StreamNameTable"/>, append-only for a gateway run, a new one after <see cref="LiveOptions.StreamNames"/>
/// names and streams) and carries only the names and streams it adds; a subscriber first gets the tables of its fleets (<see cref="StreamSubscription.Names"/>) as they are when it
/// subscribes, or as its first replayed event of a fleet needs them, so every frame stays the same bytes for every client.
/// </summary>
public sealed class StreamHub : IDisposable
{
    private static readonly byte[] IdPrefix = "id: "u8.ToArray(), EventPrefix = "\nevent: "u8.ToArray(), DataPrefix = "\ndata: "u8.ToArray(),
        End = "\n\n"u8.ToArray();

    private readonly object _sync = new();
    private readonly StreamEvent[] _ring;
    private readonly int _window;
    private readonly int _capacity;
    private readonly int _batchLimit;
    private readonly int _namesCap;
    private readonly TimeSpan _batchDelay;
    private readonly ITimer _batchTimer;
    // Every subscriber once, and each also under every fleet its scope names (or among those of every fleet).
    private readonly List<StreamSubscription> _subscribers = [];
    private readonly List<StreamSubscription> _allFleets = [];
    private readonly Dictionary<string, List<StreamSubscription>> _byFleet = new(StringComparer.Ordinal);

    // Batches whose frame is built, kept for the next (their arrays and name tables reused); and the JSON writer and
    // buffer every frame is serialized with, under the lock. A few batches at most: one per fleet that sends at once.
    private readonly Stack<ReadingBatch> _spareBatches = new();
    private readonly ArrayBufferWriter<byte> _scratch = new(64 * 1024);
    // Copies of batches closed with no client connected whose events left the window unsent, to be filled again
    // (DetachedReadings); in the steady state a batch's event pushes out about one such event, so a few are enough.
    private readonly Stack<DetachedReadings> _spareDetached = new();
    private readonly Utf8JsonWriter _json;

    // Readings gathering per fleet until the batch timer fires (or the fleet publishes another event, or a batch is full).
    private readonly Dictionary<string, ReadingBatch> _pending = new(StringComparer.Ordinal);
    // Each fleet's current name table (older generations live on in the window's events that use them).
    private readonly Dictionary<string, StreamNameTable> _names = new(StringComparer.Ordinal);
    private bool _timerArmed;
    private int _start, _count;
    private long _weight;
    private long _lastId;
    private long _disconnected;

    public StreamHub(IOptions<LiveOptions> options, TimeProvider time)
    {
        LiveOptions o = options.Value;
        _ring = new StreamEvent[o.StreamWindow];
        _window = o.StreamWindow;
        _capacity = o.ClientQueue;
        // Half the smaller bound: a batch always fits an empty queue and never fills the window alone.
        _batchLimit = Math.Max(1, Math.Min(MaxBatch, Math.Min(o.ClientQueue, o.StreamWindow) / 2));
        _batchDelay = o.StreamBatch;
        _namesCap = o.StreamNames;
        _batchTimer = time.CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _lastId = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
        _json = new Utf8JsonWriter(_scratch, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Batches kept for reuse at most; more fleets sending at once allocate a batch each.</summary>
    private const int SpareBatches = 16;

    /// <summary>Readings in one <c>readings</c> event at most (about 40 KiB of frame).</summary>
    public const int MaxBatch = 1000;

    /// <summary>The newest event's id (the run's base id before the first).</summary>
    public long LastId { get { lock (_sync) return _lastId; } }

    public int Subscribers { get { lock (_sync) return _subscribers.Count; } }

    /// <summary>Clients ended because they fell behind, since start.</summary>
    public long Disconnected { get { lock (_sync) return _disconnected; } }

    /// <summary>Gives <paramref name="json"/> the next id as event <paramref name="type"/> of <paramref name="fleet"/> and sends it.</summary>
    public long Publish(string type, string fleet, ReadOnlySpan<byte> json) => Publish(type, fleet, new JsonPayload(json.ToArray()));

    /// <summary>
    /// Gives <paramref name="payload"/> the next id as event <paramref name="type"/> of <paramref name="fleet"/> and sends it,
    /// after the readings of the fleet gathered so far.
    /// </summary>
    public long Publish(string type, string fleet, IStreamPayload payload)
    {
        lock (_sync)
        {
            if (_pending.Remove(fleet, out ReadingBatch? batch)) Append(batch);
            return Append(new StreamEvent(_lastId + 1, type, fleet, payload));
        }
    }

    /// <summary>
    /// A telemetry message's readings, sent within <see cref="LiveOptions.StreamBatch"/> in the fleet's next
    /// <c>readings</c> event (at once when the batch is full, or the interval is 0).
    /// </summary>
    public void PublishReadings(ContainerKey key, string tag, ReadOnlySpan<LiveReading> readings) => PublishReadings(key, tag, readings, null);

    /// <summary>
    /// <see cref="PublishReadings(ContainerKey, string, ReadOnlySpan{LiveReading})"/> with the index of the container's
    /// and tag's stream as last resolved, kept by the caller for this fleet, container and tag and filled here
    /// (<see cref="StreamNameCache"/>): in the steady state no name is looked up. Null: looked up for every reading.
    /// </summary>
    internal void PublishReadings(ContainerKey key, string tag, ReadOnlySpan<LiveReading> readings, StreamNameCache? names)
    {
        lock (_sync)
        {
            // The fleet's open batch, looked up once per message, not per reading: it changes only when it leaves.
            ReadingBatch? batch = null;
            foreach (LiveReading r in readings)
            {
                if (batch is null && !_pending.TryGetValue(key.Fleet, out batch))
                {
                    batch = Open(key.Fleet);
                    _pending.Add(key.Fleet, batch);
                }
                if (!batch.TryAdd(key.Container, tag, r, _namesCap, names)) batch = Renew(batch, key.Container, tag, r, names);
                if (batch.Count >= _batchLimit)
                {
                    _pending.Remove(key.Fleet);
                    Append(batch);
                    batch = null;
                }
            }
            if (_pending.Count == 0 || _timerArmed) return;
            if (_batchDelay <= TimeSpan.Zero)
            {
                FlushLocked();
                return;
            }
            _timerArmed = true;
            _batchTimer.Change(_batchDelay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Sends every fleet's gathered readings now (the batch timer does this every <see cref="LiveOptions.StreamBatch"/>).</summary>
    public void Flush()
    {
        lock (_sync) FlushLocked();
    }

    public void Dispose()
    {
        _batchTimer.Dispose();
        lock (_sync) _json.Dispose();
    }

    /// <summary>A batch for <paramref name="fleet"/> (a spare one when there is one) on the fleet's current name table.</summary>
    private ReadingBatch Open(string fleet)
    {
        if (!_names.TryGetValue(fleet, out StreamNameTable? names)) _names.Add(fleet, names = new StreamNameTable(fleet));
        if (!_spareBatches.TryPop(out ReadingBatch? batch)) return new ReadingBatch(names);
        batch.Reset(names);
        return batch;
    }

    /// <summary>
    /// The fleet's name table is full (<see cref="LiveOptions.StreamNames"/>): sends what <paramref name="batch"/> gathered
    /// on it, starts a new table for the fleet and adds the reading to the fleet's next batch, on the new table. A batch never
    /// spans two tables, and the new table's first event names everything it uses from index 0, which tells clients to
    /// drop the old names (docs/api.md, "Names"). The old table lives on while events of the window use it.
    /// </summary>
    private ReadingBatch Renew(ReadingBatch batch, string container, string tag, LiveReading reading, StreamNameCache? names)
    {
        string fleet = batch.Fleet;
        _names[fleet] = new StreamNameTable(fleet);
        if (batch.Count > 0)
        {
            _pending.Remove(fleet);
            Append(batch);
            batch = Open(fleet);
            _pending.Add(fleet, batch);
        }
        else
        {
            batch.Reset(_names[fleet]);
        }
        // An empty table takes any reading: the cap is at least 3, a container, a tag and their stream (LiveOptionsValidator).
        if (!batch.TryAdd(container, tag, reading, _namesCap, names))
        {
            throw new InvalidOperationException($"Live:StreamNames {_namesCap} takes no reading");
        }
        return batch;
    }

    private void FlushLocked()
    {
        _timerArmed = false;
        foreach (ReadingBatch batch in _pending.Values) Append(batch);
        _pending.Clear();
    }

    /// <summary>Frames <paramref name="batch"/> as the next event (once, for every client) and keeps the batch for reuse.</summary>
    private long Append(ReadingBatch batch)
    {
        long id = _lastId + 1;
        if (_subscribers.Count == 0)
        {
            // Nobody to send it to (no dashboard open, bench ingest): a copy of its readings, framed only if a client
            // resuming from before it is sent it. Framing every batch for nobody was 3.6 % of the gateway's CPU in bench
            // ingest (perf). Not the batch itself: not reused, its growing arrays and name tables were 280 B a message.
            DetachedReadings copy = batch.DetachInto(_spareDetached.TryPop(out DetachedReadings? spare) ? spare : new DetachedReadings());
            var kept = new StreamEvent(id, "readings", batch.Fleet, copy, batch.Count) { Names = batch.Names };
            if (_spareBatches.Count < SpareBatches) _spareBatches.Push(batch);
            return Append(kept);
        }
        var e = new StreamEvent(id, "readings", batch.Fleet, batch.ToFrame(id, _scratch, _json), batch.Count) { Names = batch.Names };
        if (_spareBatches.Count < SpareBatches) _spareBatches.Push(batch);
        return Append(e);
    }

    /// <summary>Puts <paramref name="e"/> (its id the next) in the window and offers it to the subscribers; under the lock.</summary>
    private long Append(StreamEvent e)
    {
        _lastId = e.Id;
        if (_count == _ring.Length)
        {
            Leave(_ring[_start]);
            _weight -= _ring[_start].Weight;
            _start = (_start + 1) % _ring.Length;
            _count--;
        }
        _ring[(_start + _count) % _ring.Length] = e;
        _count++;
        _weight += e.Weight;
        while (_weight > _window && _count > 1)
        {
            Leave(_ring[_start]);
            _weight -= _ring[_start].Weight;
            _ring[_start] = null!;
            _start = (_start + 1) % _ring.Length;
            _count--;
        }
        Offer(_allFleets, e);
        if (_byFleet.TryGetValue(e.Fleet, out List<StreamSubscription>? fleet)) Offer(fleet, e);
        return e.Id;
    }

    /// <summary>
    /// <paramref name="e"/> leaves the window; under the lock. Nobody can be sent it any more, so a copy of readings that no
    /// replay holds (<see cref="DetachedReadings.Shared"/>) is free for a later batch.
    /// </summary>
    private void Leave(StreamEvent e)
    {
        if (e.Payload is DetachedReadings { Shared: false } copy && _spareDetached.Count < SpareBatches) _spareDetached.Push(copy);
    }

    /// <summary>Offers <paramref name="e"/> to <paramref name="subscribers"/> (all may see it); drops those too far behind.</summary>
    private void Offer(List<StreamSubscription> subscribers, StreamEvent e)
    {
        for (int i = subscribers.Count - 1; i >= 0; i--)
        {
            StreamSubscription s = subscribers[i];
            if (s.Offer(e, _capacity)) continue;
            // Out of every list; from this one only its entry at i (a scope names a fleet once), so walking down stays right.
            Remove(s);
            _disconnected++;
        }
    }

    /// <summary>Takes <paramref name="s"/> out of every list; under the lock.</summary>
    private void Remove(StreamSubscription s)
    {
        if (!_subscribers.Remove(s)) return;
        if (s.Scope.Fleets is not { } fleets)
        {
            _allFleets.Remove(s);
            return;
        }
        foreach (string fleet in fleets)
        {
            if (!_byFleet.TryGetValue(fleet, out List<StreamSubscription>? list)) continue;
            list.Remove(s);
            if (list.Count == 0) _byFleet.Remove(fleet);
        }
    }

    /// <summary>Puts <paramref name="s"/> in every list its scope calls for; under the lock.</summary>
    private void Add(StreamSubscription s)
    {
        _subscribers.Add(s);
        if (s.Scope.Fleets is not { } fleets)
        {
            _allFleets.Add(s);
            return;
        }
        foreach (string fleet in fleets)
        {
            if (!_byFleet.TryGetValue(fleet, out List<StreamSubscription>? list)) _byFleet.Add(fleet, list = []);
            list.Add(s);
        }
    }

    /// <summary>
    /// Subscribes a client. With <paramref name="lastEventId"/> inside the window, its replay is every later event it may
    /// see, and its queue every event after that: nothing lost, nothing twice. Outside the window (too old, of an earlier
    /// run, or not yet issued) the subscription says reset and starts from now.
    /// </summary>
    public StreamSubscription Subscribe(FleetScope scope, long? lastEventId)
    {
        lock (_sync)
        {
            List<StreamEvent> replay = [];
            string? reset = null;
            if (lastEventId is { } last)
            {
                long oldest = _count == 0 ? _lastId + 1 : _ring[_start].Id;
                if (last > _lastId)
                {
                    reset = $"event {last} was never sent by this gateway run (newest {_lastId})";
                }
                else if (last < oldest - 1)
                {
                    reset = $"event {last} is older than the stream's window (oldest kept {oldest})";
                }
                else
                {
                    // Ids are consecutive, so the first event after `last` is (last + 1 - oldest) slots after the oldest: no
                    // scan of the whole window, which every reconnect of a slow client paid under the lock (a profile of
                    // 100 clients at the ingest rate showed it).
                    for (int i = (int)(last + 1 - oldest); i < _count; i++)
                    {
                        StreamEvent e = _ring[(_start + i) % _ring.Length];
                        if (e.Id <= last || !scope.Allows(e.Fleet)) continue;
                        // The client serializes it outside the lock, whenever it gets to it: never filled again.
                        if (e.Payload is DetachedReadings copy) copy.Shared = true;
                        replay.Add(e);
                    }
                }
            }
            var subscription = new StreamSubscription(this, scope, _capacity, _lastId, replay, reset, NamesFor(scope, replay));
            Add(subscription);
            return subscription;
        }
    }

    /// <summary>
    /// The name tables a subscriber of <paramref name="scope"/> gets first, under the lock: per fleet of its scope, the table
    /// its first replayed <c>readings</c> event of the fleet refers to (older than the fleet's current one if the fleet
    /// started a new table since), else the current one. Tables only grow, so a table as it is now covers every index of
    /// the replay's and every later event of it, and an event that starts a new table says so itself. Never another
    /// fleet's: a fleet-limited token learns nothing of other fleets' containers.
    /// </summary>
    private List<NamesSnapshot> NamesFor(FleetScope scope, List<StreamEvent> replay)
    {
        Dictionary<string, StreamNameTable>? replayed = null;
        foreach (StreamEvent e in replay)
        {
            if (e.Names is { } table) (replayed ??= new(StringComparer.Ordinal)).TryAdd(e.Fleet, table);
        }
        List<NamesSnapshot> names = [];
        if (scope.Fleets is { } fleets)
        {
            foreach (string fleet in fleets) Add(fleet, _names.GetValueOrDefault(fleet));
        }
        else
        {
            foreach ((string fleet, StreamNameTable table) in _names) Add(fleet, table);
        }
        return names;

        void Add(string fleet, StreamNameTable? current)
        {
            StreamNameTable? table = replayed is not null && replayed.TryGetValue(fleet, out StreamNameTable? first) ? first : current;
            if (table is { Count: > 0 }) names.Add(table.Snapshot());
        }
    }

    internal void Unsubscribe(StreamSubscription subscription)
    {
        lock (_sync) Remove(subscription);
    }

    /// <summary>An SSE frame; JSON never holds a raw newline (it escapes them), so one data line carries it.</summary>
    internal static byte[] Frame(string id, string type, ReadOnlySpan<byte> json)
    {
        int typeBytes = Encoding.UTF8.GetByteCount(type);
        byte[] frame = new byte[IdPrefix.Length + id.Length + EventPrefix.Length + typeBytes + DataPrefix.Length + json.Length + End.Length];
        int at = 0;
        IdPrefix.CopyTo(frame, at);
        at += IdPrefix.Length;
        at += Encoding.ASCII.GetBytes(id, frame.AsSpan(at));
        EventPrefix.CopyTo(frame, at);
        at += EventPrefix.Length;
        at += Encoding.UTF8.GetBytes(type, frame.AsSpan(at));
        DataPrefix.CopyTo(frame, at);
        at += DataPrefix.Length;
        json.CopyTo(frame.AsSpan(at));
        at += json.Length;
        End.CopyTo(frame, at);
        return frame;
    }
}
