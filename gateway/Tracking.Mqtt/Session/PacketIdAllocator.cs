namespace Tracking.Mqtt.Session;

/// <summary>
/// Packet identifiers (§2.2.1): non-zero, unique among the client's unacknowledged packets. Handed out
/// round-robin so that a just-freed identifier is not reused at once, which keeps a late duplicate
/// acknowledgement from completing the wrong packet.
/// </summary>
internal sealed class PacketIdAllocator
{
    private readonly ulong[] _used = new ulong[65536 / 64];
    private int _next = 1;
    private int _count;

    public int InUse { get { lock (_used) return _count; } }

    public ushort Allocate()
    {
        lock (_used)
        {
            if (_count >= 65535) throw new InvalidOperationException("all 65,535 packet identifiers are in use");
            while (true)
            {
                int id = _next;
                _next = _next == 65535 ? 1 : _next + 1;
                ref ulong word = ref _used[id >> 6];
                ulong bit = 1UL << (id & 63);
                if ((word & bit) != 0) continue;
                word |= bit;
                _count++;
                return (ushort)id;
            }
        }
    }

    public void Release(ushort id)
    {
        lock (_used)
        {
            ref ulong word = ref _used[id >> 6];
            ulong bit = 1UL << (id & 63);
            if ((word & bit) == 0) return;
            word &= ~bit;
            _count--;
        }
    }
}
