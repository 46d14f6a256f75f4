using System.Buffers;
using System.Threading.Tasks.Sources;

namespace Tracking.Mqtt.Session;

/// <summary>
/// One outgoing QoS 1/2 message from PUBLISH to its final acknowledgement: the encoded packet (kept for
/// resending with DUP after a reconnect, §4.4) and the completion the publisher awaits. Instances and
/// their buffers are pooled, so a steady stream of publishes allocates nothing per message.
/// </summary>
internal sealed class OutgoingPublish : IValueTaskSource<MqttPublishResult>
{
    private static readonly ArrayPool<byte> Buffers = ArrayPool<byte>.Shared;
    private ManualResetValueTaskSourceCore<MqttPublishResult> _completion = new() { RunContinuationsAsynchronously = true };
    private readonly Action<OutgoingPublish> _return;

    public OutgoingPublish(Action<OutgoingPublish> returnToPool) => _return = returnToPool;

    public ushort PacketId { get; set; }
    public MqttQos Qos { get; set; }
    public string Topic { get; set; } = "";
    /// <summary>Order of publication: resends after a reconnect keep it (§4.6).</summary>
    public long Sequence { get; set; }
    /// <summary>QoS 2 after PUBREC: what is resent is a PUBREL, not the PUBLISH (§4.3.3).</summary>
    public bool Released { get; set; }
    /// <summary>Whether the packet was written to the current connection (false while offline or waiting to resend).</summary>
    public bool Sent { get; set; }

    public byte[] Packet { get; private set; } = [];
    public int PacketLength { get; private set; }

    public ReadOnlyMemory<byte> EncodedPacket => Packet.AsMemory(0, PacketLength);

    public BufferSink RentPacket(int size)
    {
        Packet = Buffers.Rent(size);
        PacketLength = 0;
        return new BufferSink(this);
    }

    public ValueTask<MqttPublishResult> Task => new(this, _completion.Version);

    public void Complete(MqttReasonCode reason) => _completion.SetResult(new MqttPublishResult(PacketId, reason));
    public void Fail(Exception error) => _completion.SetException(error);

    public MqttPublishResult GetResult(short token)
    {
        try
        {
            return _completion.GetResult(token);
        }
        finally
        {
            if (Packet.Length > 0) Buffers.Return(Packet);
            Packet = [];
            PacketLength = 0;
            Released = false;
            Sent = false;
            Topic = "";
            _completion.Reset();
            _return(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _completion.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);

    /// <summary>An IBufferWriter over the rented packet buffer, so the codec encodes straight into it.</summary>
    public readonly struct BufferSink(OutgoingPublish owner) : IBufferWriter<byte>
    {
        public void Advance(int count) => owner.PacketLength += count;
        public Memory<byte> GetMemory(int sizeHint = 0) => owner.Packet.AsMemory(owner.PacketLength);
        public Span<byte> GetSpan(int sizeHint = 0) => owner.Packet.AsSpan(owner.PacketLength);
    }
}
