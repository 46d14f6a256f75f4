namespace Tracking.Mqtt;

/// <summary>
/// An application message received from the server. A struct, so that queuing it costs no allocation;
/// the payload array is the only per-message allocation of the receive path.
/// </summary>
public readonly struct MqttMessage
{
    internal MqttMessage(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retain, bool duplicate,
        ushort packetId, MqttProperties? properties, object? connection)
    {
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
}
