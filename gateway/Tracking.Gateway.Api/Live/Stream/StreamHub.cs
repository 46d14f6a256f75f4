using System.Text;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Auth;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// The fan-out of <c>GET /api/v1/stream</c>: gives every event the next id, keeps the last
/// <see cref="LiveOptions.StreamWindow"/> events in a ring for resuming, and offers each event to every subscriber whose
/// scope allows its fleet. Ids increase strictly, also across restarts: a run's first id is its start time in Unix ms
/// times 1000, so an id of an earlier run is older than the window and resumes as a <c>reset</c>.
/// </summary>
public sealed class StreamHub
{
    private static readonly byte[] IdPrefix = "id: "u8.ToArray(), EventPrefix = "\nevent: "u8.ToArray(), DataPrefix = "\ndata: "u8.ToArray(),
        End = "\n\n"u8.ToArray();

    private readonly object _sync = new();
    private readonly StreamEvent[] _ring;
    private readonly int _capacity;
    private readonly List<StreamSubscription> _subscribers = [];
    private int _start, _count;
    private long _lastId;
    private long _disconnected;

    public StreamHub(IOptions<LiveOptions> options, TimeProvider time)
    {
        _ring = new StreamEvent[options.Value.StreamWindow];
        _capacity = options.Value.ClientQueue;
        _lastId = time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
    }

    /// <summary>The newest event's id (the run's base id before the first).</summary>
    public long LastId { get { lock (_sync) return _lastId; } }

    public int Subscribers { get { lock (_sync) return _subscribers.Count; } }

    /// <summary>Clients ended because they fell behind, since start.</summary>
    public long Disconnected { get { lock (_sync) return _disconnected; } }

    /// <summary>Gives <paramref name="json"/> the next id as event <paramref name="type"/> of <paramref name="fleet"/> and sends it.</summary>
    public long Publish(string type, string fleet, ReadOnlySpan<byte> json) => Publish(type, fleet, new JsonPayload(json.ToArray()));

    /// <summary>Gives <paramref name="payload"/> the next id as event <paramref name="type"/> of <paramref name="fleet"/> and sends it.</summary>
    public long Publish(string type, string fleet, IStreamPayload payload)
    {
        lock (_sync)
        {
            long id = ++_lastId;
            var e = new StreamEvent(id, type, fleet, payload);
            int slot = (_start + _count) % _ring.Length;
            _ring[slot] = e;
            if (_count < _ring.Length) _count++;
            else _start = (_start + 1) % _ring.Length;
            for (int i = _subscribers.Count - 1; i >= 0; i--)
            {
                StreamSubscription s = _subscribers[i];
                if (!s.Scope.Allows(fleet)) continue;
                if (!s.Offer(e, _capacity))
                {
                    _subscribers.RemoveAt(i);
                    _disconnected++;
                }
            }
            return id;
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
                        if (e.Id > last && scope.Allows(e.Fleet)) replay.Add(e);
                    }
                }
            }
            var subscription = new StreamSubscription(this, scope, _capacity, _lastId, replay, reset);
            _subscribers.Add(subscription);
            return subscription;
        }
    }

    internal void Unsubscribe(StreamSubscription subscription)
    {
        lock (_sync) _subscribers.Remove(subscription);
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
