using System.Buffers;

namespace Tracking.Mqtt.Packets;

/// <summary>CONNECT (§3.1).</summary>
public sealed class ConnectPacket
{
    private static ReadOnlySpan<byte> ProtocolName => "MQTT"u8;

    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V311;
    public string ClientId { get; init; } = "";
    /// <summary>Clean Session in 3.1.1, Clean Start in 5.0.</summary>
    public bool CleanStart { get; init; } = true;
    public ushort KeepAliveSeconds { get; init; }
    public string? Username { get; init; }
    public ReadOnlyMemory<byte>? Password { get; init; }
    public MqttWill? Will { get; init; }
    public MqttProperties? Properties { get; init; }

    public void Write(IBufferWriter<byte> output)
    {
        bool v5 = ProtocolVersion == MqttProtocolVersion.V500;
        if (!v5 && Password is not null && Username is null)
            throw new ArgumentException("MQTT 3.1.1 allows a password only together with a user name (§3.1.2.9)");
        if (Will is not null) MqttTopic.ValidateName(Will.Topic);

        int body = 2 + ProtocolName.Length + 1 + 1 + 2;
        if (v5) body += MqttProperties.SizeWithLength(Properties);
        body += MqttWire.StringSize(ClientId);
        if (Will is not null)
        {
            if (v5) body += MqttProperties.SizeWithLength(Will.Properties);
            body += MqttWire.StringSize(Will.Topic) + MqttWire.BinarySize(Will.Payload.Span);
        }
        if (Username is not null) body += MqttWire.StringSize(Username);
        if (Password is { } pw) body += MqttWire.BinarySize(pw.Span);

        var w = MqttWireWriter.BeginPacket(output, MqttFixedHeader.FirstByte(MqttPacketType.Connect), body, out _);
        w.WriteBinary(ProtocolName);
        w.WriteByte((byte)ProtocolVersion);
        byte flags = 0;
        if (Username is not null) flags |= 0x80;
        if (Password is not null) flags |= 0x40;
        if (Will is not null)
        {
            flags |= 0x04;
            flags |= (byte)((int)Will.Qos << 3);
            if (Will.Retain) flags |= 0x20;
        }
        if (CleanStart) flags |= 0x02;
        w.WriteByte(flags);
        w.WriteUInt16(KeepAliveSeconds);
        if (v5) MqttProperties.Write(ref w, Properties);
        w.WriteString(ClientId);
        if (Will is not null)
        {
            if (v5) MqttProperties.Write(ref w, Will.Properties);
            w.WriteString(Will.Topic);
            w.WriteBinary(Will.Payload.Span);
        }
        if (Username is not null) w.WriteString(Username);
        if (Password is { } p) w.WriteBinary(p.Span);
        w.Complete(output);
    }

    public static ConnectPacket Decode(ReadOnlySpan<byte> body, byte flags)
    {
        MqttFixedHeader.ExpectFlags(MqttPacketType.Connect, flags);
        var r = new MqttWireReader(body);
        if (!r.ReadBinary().SequenceEqual(ProtocolName))
            throw MqttProtocolException.Malformed("CONNECT protocol name is not 'MQTT'");
        byte level = r.ReadByte();
        if (level is not (4 or 5))
            throw new MqttProtocolException($"unsupported protocol level {level}", MqttReasonCode.UnsupportedProtocolVersion);
        var version = (MqttProtocolVersion)level;
        byte cf = r.ReadByte();
        if ((cf & 0x01) != 0) throw MqttProtocolException.Malformed("CONNECT reserved flag is set"); // §3.1.2.3
        bool willFlag = (cf & 0x04) != 0;
        int willQos = (cf >> 3) & 0x03;
        bool willRetain = (cf & 0x20) != 0;
        if (willQos == 3) throw MqttProtocolException.Malformed("will QoS 3");
        if (!willFlag && (willQos != 0 || willRetain))
            throw MqttProtocolException.Malformed("will QoS or retain set without a will"); // §3.1.2.6, §3.1.2.7
        bool hasUser = (cf & 0x80) != 0, hasPassword = (cf & 0x40) != 0;
        if (version == MqttProtocolVersion.V311 && hasPassword && !hasUser)
            throw MqttProtocolException.Malformed("password flag without user name flag"); // 3.1.1 §3.1.2.9
        ushort keepAlive = r.ReadUInt16();
        var props = version == MqttProtocolVersion.V500 ? MqttProperties.Read(ref r, (int)MqttPacketType.Connect) : null;
        string clientId = r.ReadString();
        MqttWill? will = null;
        if (willFlag)
        {
            var willProps = version == MqttProtocolVersion.V500 ? MqttProperties.Read(ref r, MqttProperties.WillKind) : null;
            var topicBytes = r.ReadUtf8();
            if (topicBytes.IsEmpty || MqttTopic.ContainsWildcard(topicBytes))
                throw MqttProtocolException.Malformed("will topic is empty or has a wildcard");
            string topic = System.Text.Encoding.UTF8.GetString(topicBytes);
            will = new MqttWill
            {
                Properties = willProps, Topic = topic, Payload = r.ReadBinary().ToArray(),
                Qos = (MqttQos)willQos, Retain = willRetain,
            };
        }
        string? user = hasUser ? r.ReadString() : null;
        // default(T?), not null: a bare null would convert through byte[] into an empty, present password.
        ReadOnlyMemory<byte>? password = hasPassword ? r.ReadBinary().ToArray() : default(ReadOnlyMemory<byte>?);
        r.ExpectEnd("CONNECT");
        return new ConnectPacket
        {
            ProtocolVersion = version, ClientId = clientId, CleanStart = (cf & 0x02) != 0, KeepAliveSeconds = keepAlive,
            Username = user, Password = password, Will = will, Properties = props,
        };
    }
}
