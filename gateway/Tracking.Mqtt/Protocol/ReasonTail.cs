namespace Tracking.Mqtt;

/// <summary>
/// The optional "reason code, then properties" ending of the 5.0 PUBACK family, DISCONNECT and AUTH
/// (§3.4.2.1, §3.14.2.1, §3.15.2.1): both are left out when the reason is Success and there are no
/// properties, and a reader must accept each of them being absent. 3.1.1 has neither.
/// </summary>
internal static class ReasonTail
{
    public static bool IsPresent(MqttProtocolVersion version, MqttReasonCode reason, MqttProperties? properties) =>
        version == MqttProtocolVersion.V500 && (reason != MqttReasonCode.Success || properties is not null);

    public static int Size(MqttProtocolVersion version, MqttReasonCode reason, MqttProperties? properties) =>
        IsPresent(version, reason, properties) ? 1 + MqttProperties.SizeWithLength(properties) : 0;

    public static void Write(ref MqttWireWriter w, MqttProtocolVersion version, MqttReasonCode reason, MqttProperties? properties)
    {
        if (!IsPresent(version, reason, properties)) return;
        w.WriteByte((byte)reason);
        MqttProperties.Write(ref w, properties);
    }

    /// <summary>Reads the tail and checks nothing follows it.</summary>
    public static (MqttReasonCode Reason, MqttProperties? Properties) Read(ref MqttWireReader r, MqttPacketType type, MqttProtocolVersion version)
    {
        var reason = MqttReasonCode.Success;
        MqttProperties? props = null;
        if (version == MqttProtocolVersion.V500)
        {
            if (!r.End) reason = (MqttReasonCode)r.ReadByte();
            if (!r.End) props = MqttProperties.Read(ref r, (int)type);
        }
        r.ExpectEnd(type.ToString().ToUpperInvariant());
        return (reason, props);
    }
}
