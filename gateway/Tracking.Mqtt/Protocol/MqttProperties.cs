using System.Text;

namespace Tracking.Mqtt;

/// <summary>
/// The MQTT 5.0 properties of one packet (§2.2.2). Only the ones present are set. Decoding checks the
/// rules the spec makes about them: an identifier valid for the packet, no repeats except User Property
/// and Subscription Identifier, and the allowed values.
/// </summary>
public sealed class MqttProperties
{
    public byte? PayloadFormatIndicator { get; set; }
    public uint? MessageExpiryInterval { get; set; }
    public string? ContentType { get; set; }
    public string? ResponseTopic { get; set; }
    public byte[]? CorrelationData { get; set; }
    public List<int>? SubscriptionIdentifiers { get; set; }
    public uint? SessionExpiryInterval { get; set; }
    public string? AssignedClientIdentifier { get; set; }
    public ushort? ServerKeepAlive { get; set; }
    public string? AuthenticationMethod { get; set; }
    public byte[]? AuthenticationData { get; set; }
    public byte? RequestProblemInformation { get; set; }
    public uint? WillDelayInterval { get; set; }
    public byte? RequestResponseInformation { get; set; }
    public string? ResponseInformation { get; set; }
    public string? ServerReference { get; set; }
    public string? ReasonString { get; set; }
    public ushort? ReceiveMaximum { get; set; }
    public ushort? TopicAliasMaximum { get; set; }
    public ushort? TopicAlias { get; set; }
    public byte? MaximumQos { get; set; }
    public byte? RetainAvailable { get; set; }
    public List<MqttUserProperty>? UserProperties { get; set; }
    public uint? MaximumPacketSize { get; set; }
    public byte? WildcardSubscriptionAvailable { get; set; }
    public byte? SubscriptionIdentifierAvailable { get; set; }
    public byte? SharedSubscriptionAvailable { get; set; }

    /// <summary>The Will Properties of CONNECT (§3.1.3.2) are checked against this pseudo packet kind.</summary>
    internal const int WillKind = 0;

    private static int Bit(MqttPacketType t) => 1 << (int)t;
    private const int Will = 1 << WillKind;
    private static readonly int AllPackets = Will | Bit(MqttPacketType.Connect) | Bit(MqttPacketType.ConnAck) |
        Bit(MqttPacketType.Publish) | Bit(MqttPacketType.PubAck) | Bit(MqttPacketType.PubRec) | Bit(MqttPacketType.PubRel) |
        Bit(MqttPacketType.PubComp) | Bit(MqttPacketType.Subscribe) | Bit(MqttPacketType.SubAck) |
        Bit(MqttPacketType.Unsubscribe) | Bit(MqttPacketType.UnsubAck) | Bit(MqttPacketType.Disconnect) | Bit(MqttPacketType.Auth);

    /// <summary>Which packets may carry which property: the table of §2.2.2.2.</summary>
    private static int AllowedIn(MqttPropertyId id) => id switch
    {
        MqttPropertyId.PayloadFormatIndicator or MqttPropertyId.MessageExpiryInterval or MqttPropertyId.ContentType or
        MqttPropertyId.ResponseTopic or MqttPropertyId.CorrelationData => Will | Bit(MqttPacketType.Publish),
        MqttPropertyId.SubscriptionIdentifier => Bit(MqttPacketType.Publish) | Bit(MqttPacketType.Subscribe),
        MqttPropertyId.SessionExpiryInterval => Bit(MqttPacketType.Connect) | Bit(MqttPacketType.ConnAck) | Bit(MqttPacketType.Disconnect),
        MqttPropertyId.AssignedClientIdentifier or MqttPropertyId.ServerKeepAlive or MqttPropertyId.ResponseInformation or
        MqttPropertyId.MaximumQos or MqttPropertyId.RetainAvailable or MqttPropertyId.WildcardSubscriptionAvailable or
        MqttPropertyId.SubscriptionIdentifierAvailable or MqttPropertyId.SharedSubscriptionAvailable => Bit(MqttPacketType.ConnAck),
        MqttPropertyId.AuthenticationMethod or MqttPropertyId.AuthenticationData =>
            Bit(MqttPacketType.Connect) | Bit(MqttPacketType.ConnAck) | Bit(MqttPacketType.Auth),
        MqttPropertyId.RequestProblemInformation or MqttPropertyId.RequestResponseInformation => Bit(MqttPacketType.Connect),
        MqttPropertyId.WillDelayInterval => Will,
        MqttPropertyId.ServerReference => Bit(MqttPacketType.ConnAck) | Bit(MqttPacketType.Disconnect),
        MqttPropertyId.ReasonString => AllPackets & ~(Will | Bit(MqttPacketType.Connect) | Bit(MqttPacketType.Publish) |
            Bit(MqttPacketType.Subscribe) | Bit(MqttPacketType.Unsubscribe)),
        MqttPropertyId.ReceiveMaximum or MqttPropertyId.TopicAliasMaximum or MqttPropertyId.MaximumPacketSize =>
            Bit(MqttPacketType.Connect) | Bit(MqttPacketType.ConnAck),
        MqttPropertyId.TopicAlias => Bit(MqttPacketType.Publish),
        MqttPropertyId.UserProperty => AllPackets,
        _ => 0,
    };

    /// <summary>Reads the property length and the properties; null when there are none (no allocation).</summary>
    public static MqttProperties? Read(ref MqttWireReader reader, int packetKind)
    {
        int length = reader.ReadVariableByteInteger();
        if (length == 0) return null;
        var inner = new MqttWireReader(reader.Take(length, "property list"));
        var p = new MqttProperties();
        ulong seen = 0;
        while (!inner.End)
        {
            // A property identifier is a Variable Byte Integer (§2.2.2.2); every defined one fits in a byte.
            int raw = inner.ReadVariableByteInteger();
            var id = (MqttPropertyId)raw;
            if (raw > 0x7F || (AllowedIn(id) & (1 << packetKind)) == 0)
            {
                throw MqttProtocolException.Malformed(AllowedIn(id) == 0
                    ? $"unknown property identifier 0x{raw:X2}"
                    : $"property {id} is not allowed in {KindName(packetKind)}");
            }

            if (id is not (MqttPropertyId.UserProperty or MqttPropertyId.SubscriptionIdentifier))
            {
                ulong bit = 1UL << raw;
                if ((seen & bit) != 0) throw MqttProtocolException.Violation($"property {id} appears twice");
                seen |= bit;
            }
            p.ReadOne(ref inner, id);
        }
        return p;
    }

    private static string KindName(int kind) => kind == WillKind ? "Will Properties" : ((MqttPacketType)kind).ToString().ToUpperInvariant();

    private void ReadOne(ref MqttWireReader r, MqttPropertyId id)
    {
        switch (id)
        {
            case MqttPropertyId.PayloadFormatIndicator: PayloadFormatIndicator = ReadFlag(ref r, id); break;
            case MqttPropertyId.MessageExpiryInterval: MessageExpiryInterval = r.ReadUInt32(); break;
            case MqttPropertyId.ContentType: ContentType = r.ReadString(); break;
            case MqttPropertyId.ResponseTopic: ResponseTopic = r.ReadString(); break;
            case MqttPropertyId.CorrelationData: CorrelationData = r.ReadBinary().ToArray(); break;
            case MqttPropertyId.SubscriptionIdentifier:
                int subId = r.ReadVariableByteInteger();
                if (subId == 0) throw MqttProtocolException.Violation("subscription identifier 0"); // §3.8.2.1.2
                (SubscriptionIdentifiers ??= []).Add(subId);
                break;
            case MqttPropertyId.SessionExpiryInterval: SessionExpiryInterval = r.ReadUInt32(); break;
            case MqttPropertyId.AssignedClientIdentifier: AssignedClientIdentifier = r.ReadString(); break;
            case MqttPropertyId.ServerKeepAlive: ServerKeepAlive = r.ReadUInt16(); break;
            case MqttPropertyId.AuthenticationMethod: AuthenticationMethod = r.ReadString(); break;
            case MqttPropertyId.AuthenticationData: AuthenticationData = r.ReadBinary().ToArray(); break;
            case MqttPropertyId.RequestProblemInformation: RequestProblemInformation = ReadFlag(ref r, id); break;
            case MqttPropertyId.WillDelayInterval: WillDelayInterval = r.ReadUInt32(); break;
            case MqttPropertyId.RequestResponseInformation: RequestResponseInformation = ReadFlag(ref r, id); break;
            case MqttPropertyId.ResponseInformation: ResponseInformation = r.ReadString(); break;
            case MqttPropertyId.ServerReference: ServerReference = r.ReadString(); break;
            case MqttPropertyId.ReasonString: ReasonString = r.ReadString(); break;
            case MqttPropertyId.ReceiveMaximum:
                ReceiveMaximum = r.ReadUInt16();
                if (ReceiveMaximum == 0) throw MqttProtocolException.Violation("Receive Maximum of 0"); // §3.1.2.11.3
                break;
            case MqttPropertyId.TopicAliasMaximum: TopicAliasMaximum = r.ReadUInt16(); break;
            case MqttPropertyId.TopicAlias: TopicAlias = r.ReadUInt16(); break;
            case MqttPropertyId.MaximumQos: MaximumQos = ReadFlag(ref r, id); break;
            case MqttPropertyId.RetainAvailable: RetainAvailable = ReadFlag(ref r, id); break;
            case MqttPropertyId.UserProperty:
                (UserProperties ??= []).Add(new MqttUserProperty(r.ReadString(), r.ReadString()));
                break;
            case MqttPropertyId.MaximumPacketSize:
                MaximumPacketSize = r.ReadUInt32();
                if (MaximumPacketSize == 0) throw MqttProtocolException.Violation("Maximum Packet Size of 0"); // §3.1.2.11.4
                break;
            case MqttPropertyId.WildcardSubscriptionAvailable: WildcardSubscriptionAvailable = ReadFlag(ref r, id); break;
            case MqttPropertyId.SubscriptionIdentifierAvailable: SubscriptionIdentifierAvailable = ReadFlag(ref r, id); break;
            case MqttPropertyId.SharedSubscriptionAvailable: SharedSubscriptionAvailable = ReadFlag(ref r, id); break;
        }
    }

    /// <summary>Every byte-valued property defined so far is a 0/1 flag; any other value is a protocol error.</summary>
    private static byte ReadFlag(ref MqttWireReader r, MqttPropertyId id)
    {
        byte b = r.ReadByte();
        if (b > 1) throw MqttProtocolException.Violation($"property {id} has value {b}, allowed are 0 and 1");
        return b;
    }

    /// <summary>Size of the property list including its length prefix; 1 for an absent or empty list.</summary>
    public static int SizeWithLength(MqttProperties? p)
    {
        int n = p?.ContentSize() ?? 0;
        return MqttWire.VariableByteIntegerSize(n) + n;
    }

    public static void Write(ref MqttWireWriter w, MqttProperties? p)
    {
        if (p is null) { w.WriteVariableByteInteger(0); return; }
        w.WriteVariableByteInteger(p.ContentSize());
        p.WriteContent(ref w);
    }

    private int ContentSize()
    {
        int n = 0;
        n += ByteSize(PayloadFormatIndicator) + UIntSize(MessageExpiryInterval) + StrSize(ContentType) + StrSize(ResponseTopic);
        n += BinSize(CorrelationData);
        if (SubscriptionIdentifiers is not null)
            foreach (var s in SubscriptionIdentifiers) n += 1 + MqttWire.VariableByteIntegerSize(s);
        n += UIntSize(SessionExpiryInterval) + StrSize(AssignedClientIdentifier) + UShortSize(ServerKeepAlive);
        n += StrSize(AuthenticationMethod) + BinSize(AuthenticationData) + ByteSize(RequestProblemInformation);
        n += UIntSize(WillDelayInterval) + ByteSize(RequestResponseInformation) + StrSize(ResponseInformation);
        n += StrSize(ServerReference) + StrSize(ReasonString) + UShortSize(ReceiveMaximum) + UShortSize(TopicAliasMaximum);
        n += UShortSize(TopicAlias) + ByteSize(MaximumQos) + ByteSize(RetainAvailable);
        if (UserProperties is not null)
            foreach (var u in UserProperties) n += 1 + MqttWire.StringSize(u.Name) + MqttWire.StringSize(u.Value);
        n += UIntSize(MaximumPacketSize) + ByteSize(WildcardSubscriptionAvailable) + ByteSize(SubscriptionIdentifierAvailable);
        n += ByteSize(SharedSubscriptionAvailable);
        return n;

        static int ByteSize(byte? v) => v.HasValue ? 2 : 0;
        static int UShortSize(ushort? v) => v.HasValue ? 3 : 0;
        static int UIntSize(uint? v) => v.HasValue ? 5 : 0;
        static int StrSize(string? v) => v is null ? 0 : 1 + MqttWire.StringSize(v);
        static int BinSize(byte[]? v) => v is null ? 0 : 1 + MqttWire.BinarySize(v);
    }

    private void WriteContent(ref MqttWireWriter w)
    {
        Byte(ref w, MqttPropertyId.PayloadFormatIndicator, PayloadFormatIndicator);
        UInt(ref w, MqttPropertyId.MessageExpiryInterval, MessageExpiryInterval);
        Str(ref w, MqttPropertyId.ContentType, ContentType);
        Str(ref w, MqttPropertyId.ResponseTopic, ResponseTopic);
        Bin(ref w, MqttPropertyId.CorrelationData, CorrelationData);
        if (SubscriptionIdentifiers is not null)
        {
            foreach (var s in SubscriptionIdentifiers)
            {
                w.WriteByte((byte)MqttPropertyId.SubscriptionIdentifier);
                w.WriteVariableByteInteger(s);
            }
        }

        UInt(ref w, MqttPropertyId.SessionExpiryInterval, SessionExpiryInterval);
        Str(ref w, MqttPropertyId.AssignedClientIdentifier, AssignedClientIdentifier);
        UShort(ref w, MqttPropertyId.ServerKeepAlive, ServerKeepAlive);
        Str(ref w, MqttPropertyId.AuthenticationMethod, AuthenticationMethod);
        Bin(ref w, MqttPropertyId.AuthenticationData, AuthenticationData);
        Byte(ref w, MqttPropertyId.RequestProblemInformation, RequestProblemInformation);
        UInt(ref w, MqttPropertyId.WillDelayInterval, WillDelayInterval);
        Byte(ref w, MqttPropertyId.RequestResponseInformation, RequestResponseInformation);
        Str(ref w, MqttPropertyId.ResponseInformation, ResponseInformation);
        Str(ref w, MqttPropertyId.ServerReference, ServerReference);
        Str(ref w, MqttPropertyId.ReasonString, ReasonString);
        UShort(ref w, MqttPropertyId.ReceiveMaximum, ReceiveMaximum);
        UShort(ref w, MqttPropertyId.TopicAliasMaximum, TopicAliasMaximum);
        UShort(ref w, MqttPropertyId.TopicAlias, TopicAlias);
        Byte(ref w, MqttPropertyId.MaximumQos, MaximumQos);
        Byte(ref w, MqttPropertyId.RetainAvailable, RetainAvailable);
        if (UserProperties is not null)
        {
            foreach (var u in UserProperties)
            {
                w.WriteByte((byte)MqttPropertyId.UserProperty);
                w.WriteString(u.Name);
                w.WriteString(u.Value);
            }
        }

        UInt(ref w, MqttPropertyId.MaximumPacketSize, MaximumPacketSize);
        Byte(ref w, MqttPropertyId.WildcardSubscriptionAvailable, WildcardSubscriptionAvailable);
        Byte(ref w, MqttPropertyId.SubscriptionIdentifierAvailable, SubscriptionIdentifierAvailable);
        Byte(ref w, MqttPropertyId.SharedSubscriptionAvailable, SharedSubscriptionAvailable);

        static void Byte(ref MqttWireWriter w, MqttPropertyId id, byte? v)
        {
            if (!v.HasValue) return;
            w.WriteByte((byte)id);
            w.WriteByte(v.Value);
        }
        static void UShort(ref MqttWireWriter w, MqttPropertyId id, ushort? v)
        {
            if (!v.HasValue) return;
            w.WriteByte((byte)id);
            w.WriteUInt16(v.Value);
        }
        static void UInt(ref MqttWireWriter w, MqttPropertyId id, uint? v)
        {
            if (!v.HasValue) return;
            w.WriteByte((byte)id);
            w.WriteUInt32(v.Value);
        }
        static void Str(ref MqttWireWriter w, MqttPropertyId id, string? v)
        {
            if (v is null) return;
            w.WriteByte((byte)id);
            w.WriteString(v);
        }
        static void Bin(ref MqttWireWriter w, MqttPropertyId id, byte[]? v)
        {
            if (v is null) return;
            w.WriteByte((byte)id);
            w.WriteBinary(v);
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var prop in GetType().GetProperties())
        {
            var v = prop.GetValue(this);
            if (v is null) continue;
            if (sb.Length > 0) sb.Append(", ");
            sb.Append(prop.Name).Append('=').Append(v is byte[] b ? Convert.ToHexString(b) : v);
        }
        return sb.ToString();
    }
}
