using System.Buffers;

namespace Tracking.Mqtt.Packets;

/// <summary>CONNACK (§3.2). 3.1.1 return codes are carried as the equivalent 5.0 reason codes.</summary>
public sealed class ConnAckPacket
{
    public bool SessionPresent { get; init; }
    public MqttReasonCode ReasonCode { get; init; }
    public MqttProperties? Properties { get; init; }

    // 3.1.1 §3.2.2.3, Table 3.1: return codes 0..5.
    private static readonly MqttReasonCode[] V311ReturnCodes =
    [
        MqttReasonCode.Success, MqttReasonCode.UnsupportedProtocolVersion, MqttReasonCode.ClientIdentifierNotValid,
        MqttReasonCode.ServerUnavailable, MqttReasonCode.BadUserNameOrPassword, MqttReasonCode.NotAuthorized,
    ];

    public void Write(IBufferWriter<byte> output, MqttProtocolVersion version)
    {
        bool v5 = version == MqttProtocolVersion.V500;
        byte code = v5 ? (byte)ReasonCode : (byte)Array.IndexOf(V311ReturnCodes, ReasonCode);
        if (code == 0xFF) throw new ArgumentException($"{ReasonCode} has no MQTT 3.1.1 return code");
        int body = 2 + (v5 ? MqttProperties.SizeWithLength(Properties) : 0);
        var w = MqttWireWriter.BeginPacket(output, MqttFixedHeader.FirstByte(MqttPacketType.ConnAck), body, out _);
        w.WriteByte(SessionPresent ? (byte)1 : (byte)0);
        w.WriteByte(code);
        if (v5) MqttProperties.Write(ref w, Properties);
        w.Complete(output);
    }

    public static ConnAckPacket Decode(ReadOnlySpan<byte> body, byte flags, MqttProtocolVersion version)
    {
        MqttFixedHeader.ExpectFlags(MqttPacketType.ConnAck, flags);
        var r = new MqttWireReader(body);
        byte ackFlags = r.ReadByte();
        if ((ackFlags & 0xFE) != 0) throw MqttProtocolException.Malformed("CONNACK reserved acknowledge flags are set"); // §3.2.2.1
        byte code = r.ReadByte();
        MqttReasonCode reason;
        MqttProperties? props = null;
        if (version == MqttProtocolVersion.V500)
        {
            reason = (MqttReasonCode)code;
            props = MqttProperties.Read(ref r, (int)MqttPacketType.ConnAck);
        }
        else
        {
            if (code >= V311ReturnCodes.Length) throw MqttProtocolException.Malformed($"CONNACK return code {code} is reserved");
            reason = V311ReturnCodes[code];
        }
        r.ExpectEnd("CONNACK");
        bool sessionPresent = (ackFlags & 1) != 0;
        if (sessionPresent && reason != MqttReasonCode.Success)
            throw MqttProtocolException.Malformed("CONNACK refuses the connection but says a session is present"); // §3.2.2.1.1
        return new ConnAckPacket { SessionPresent = sessionPresent, ReasonCode = reason, Properties = props };
    }
}
