using System.Buffers;
using System.Runtime.InteropServices;

namespace Tracking.Mqtt;

/// <summary>
/// An application message received from the server. A struct, so that queuing it costs no allocation;
/// the payload array is the only per-message allocation of the receive path, and with
/// <see cref="MqttClientOptions.PooledPayloads"/> not even that (see <see cref="ReturnPayload"/>).
/// </summary>
public readonly struct MqttMessage
{
    // The pool the payload's array was rented from; null when the array is the message's own.
    private readonly ArrayPool<byte>? _pool;

    internal MqttMessage(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retain, bool duplicate,
        ushort packetId, MqttProperties? properties, object? connection, ArrayPool<byte>? pool = null)
    {
        _pool = pool;
        Topic = topic;
        Payload = payload;
        Qos = qos;
        Retain = retain;
        Duplicate = duplicate;
        PacketId = packetId;
        Properties = properties;
        Connection = connection;
    }

    public string Topic { get; }
    public ReadOnlyMemory<byte> Payload { get; }
    public MqttQos Qos { get; }
    public bool Retain { get; }
    /// <summary>The server may have delivered this message before (DUP, §3.3.1.1).</summary>
    public bool Duplicate { get; }
    public ushort PacketId { get; }
    /// <summary>MQTT 5.0 properties of the PUBLISH, null when it had none.</summary>
    public MqttProperties? Properties { get; }
    /// <summary>The connection that delivered it: an acknowledgement is only valid on that connection.</summary>
    internal object? Connection { get; }

    public bool NeedsAcknowledgement => Qos > MqttQos.AtMostOnce;

    /// <summary>Whether <see cref="Payload"/> lives in a pooled array that <see cref="ReturnPayload"/> gives back.</summary>
    public bool HasPooledPayload => _pool is not null;

    /// <summary>
    /// Gives a pooled payload's array back to the client (<see cref="MqttClientOptions.PooledPayloads"/>); does nothing
    /// for a payload of its own. Call it once per message (a struct: every copy shares the array), when neither this nor
    /// any copy reads <see cref="Payload"/> any more: the array then carries a later message's bytes. Acknowledging needs
    /// no payload, so a message may be returned first and acknowledged later.
    /// </summary>
    public void ReturnPayload()
    {
        if (_pool is not null && MemoryMarshal.TryGetArray(Payload, out ArraySegment<byte> segment)) _pool.Return(segment.Array!);
    }
}
