using System.Text;
using Tracking.Mqtt;
using Tracking.Mqtt.Packets;
using static Tracking.Mqtt.Tests.Codec.PacketBytes;

namespace Tracking.Mqtt.Tests.Codec;

public class PacketRoundTripTests
{
    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    private static MqttProperties? Props(MqttProtocolVersion v, Func<MqttProperties> make) => v == MqttProtocolVersion.V500 ? make() : null;

    private static void AssertRoundTrip(byte[] encoded, MqttProtocolVersion v) => Assert.Equal(encoded, DecodeAndReencode(encoded, v));

    [Theory, MemberData(nameof(Versions))]
    public void Connect_with_every_field(MqttProtocolVersion v)
    {
        var packet = new ConnectPacket
        {
            ProtocolVersion = v, ClientId = "gateway-1", CleanStart = false, KeepAliveSeconds = 45,
            Username = "ops", Password = "s3cret"u8.ToArray(),
            Will = new MqttWill
            {
                Topic = "tracking/v1/f/c/t/status", Payload = """{"v":1,"online":false}"""u8.ToArray(), Qos = MqttQos.AtLeastOnce, Retain = true,
                Properties = Props(v, () => new MqttProperties { WillDelayInterval = 5, ContentType = "application/json", MessageExpiryInterval = 3600 }),
            },
            Properties = Props(v, () => new MqttProperties
            {
                SessionExpiryInterval = 86400, ReceiveMaximum = 50, MaximumPacketSize = 65536, TopicAliasMaximum = 0,
                RequestProblemInformation = 1, UserProperties = [new("site", "rotterdam"), new("site", "antwerp")],
            }),
        };
        var bytes = Encode(w => packet.Write(w));
        var (first, body) = Split(bytes);
        var decoded = ConnectPacket.Decode(body, (byte)(first & 0xF));
        Assert.Equal(v, decoded.ProtocolVersion);
        Assert.Equal("gateway-1", decoded.ClientId);
        Assert.False(decoded.CleanStart);
        Assert.Equal(45, decoded.KeepAliveSeconds);
        Assert.Equal("ops", decoded.Username);
        Assert.Equal("s3cret"u8.ToArray(), decoded.Password!.Value.ToArray());
        Assert.Equal("tracking/v1/f/c/t/status", decoded.Will!.Topic);
        Assert.True(decoded.Will.Retain);
        Assert.Equal(MqttQos.AtLeastOnce, decoded.Will.Qos);
        if (v == MqttProtocolVersion.V500)
        {
            Assert.Equal(86400u, decoded.Properties!.SessionExpiryInterval);
            Assert.Equal(2, decoded.Properties.UserProperties!.Count);
            Assert.Equal(5u, decoded.Will.Properties!.WillDelayInterval);
        }
        AssertRoundTrip(bytes, v);
    }

    [Theory, MemberData(nameof(Versions))]
    public void Connect_minimal(MqttProtocolVersion v)
    {
        var bytes = Encode(w => new ConnectPacket { ProtocolVersion = v, ClientId = "" }.Write(w));
        AssertRoundTrip(bytes, v);
    }

    [Theory, MemberData(nameof(Versions))]
    public void ConnAck(MqttProtocolVersion v)
    {
        var packet = new ConnAckPacket
        {
            SessionPresent = true, ReasonCode = MqttReasonCode.Success,
            Properties = Props(v, () => new MqttProperties
            {
                ReceiveMaximum = 20, MaximumQos = 1, RetainAvailable = 1, AssignedClientIdentifier = "auto-1",
                ServerKeepAlive = 60, SharedSubscriptionAvailable = 1, WildcardSubscriptionAvailable = 1, ReasonString = "ok",
            }),
        };
        var bytes = Encode(w => packet.Write(w, v));
        var (first, body) = Split(bytes);
        var decoded = ConnAckPacket.Decode(body, (byte)(first & 0xF), v);
        Assert.True(decoded.SessionPresent);
        if (v == MqttProtocolVersion.V500) Assert.Equal("auto-1", decoded.Properties!.AssignedClientIdentifier);
        AssertRoundTrip(bytes, v);
    }

    [Theory]
    [InlineData(1, MqttReasonCode.UnsupportedProtocolVersion)]
    [InlineData(2, MqttReasonCode.ClientIdentifierNotValid)]
    [InlineData(3, MqttReasonCode.ServerUnavailable)]
    [InlineData(4, MqttReasonCode.BadUserNameOrPassword)]
    [InlineData(5, MqttReasonCode.NotAuthorized)]
    public void ConnAck_311_return_codes_map_to_reason_codes(byte returnCode, MqttReasonCode expected)
    {
        var decoded = ConnAckPacket.Decode([0, returnCode], 0, MqttProtocolVersion.V311);
        Assert.Equal(expected, decoded.ReasonCode);
        Assert.Equal(new byte[] { 0x20, 2, 0, returnCode }, Encode(w => decoded.Write(w, MqttProtocolVersion.V311)));
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, MqttQos.AtMostOnce, false, false)]
    [InlineData(MqttProtocolVersion.V311, MqttQos.AtLeastOnce, true, true)]
    [InlineData(MqttProtocolVersion.V311, MqttQos.ExactlyOnce, false, true)]
    [InlineData(MqttProtocolVersion.V500, MqttQos.AtMostOnce, true, false)]
    [InlineData(MqttProtocolVersion.V500, MqttQos.AtLeastOnce, false, true)]
    [InlineData(MqttProtocolVersion.V500, MqttQos.ExactlyOnce, true, false)]
    public void Publish(MqttProtocolVersion v, MqttQos qos, bool retain, bool dup)
    {
        var payload = Encoding.UTF8.GetBytes("""{"v":1,"boot":3,"seq":120,"t0":1732600000000,"r":[[0,4.21,55.2,1013.2,0.12]]}""");
        var props = Props(v, () => new MqttProperties
        {
            PayloadFormatIndicator = 1, ContentType = "application/json", MessageExpiryInterval = 600,
            ResponseTopic = "reply/here", CorrelationData = [1, 2, 3], UserProperties = [new("k", "v")], SubscriptionIdentifiers = [7, 300],
        });
        bool setDup = dup && qos > MqttQos.AtMostOnce;
        var bytes = Encode(w => PublishPacket.Write(w, v, "tracking/v1/fleet/MSCU1234565/tag-01/telemetry", payload, qos, retain, setDup,
            qos > 0 ? (ushort)513 : (ushort)0, props));
        Assert.Equal(bytes.Length, PublishPacket.GetSize(46, qos, props, payload.Length, v));
        var (first, body) = Split(bytes);
        var decoded = PublishPacket.Decode(body, (byte)(first & 0xF), v);
        Assert.Equal("tracking/v1/fleet/MSCU1234565/tag-01/telemetry", decoded.Topic);
        Assert.Equal(payload, decoded.Payload.ToArray());
        Assert.Equal(qos, decoded.Qos);
        Assert.Equal(retain, decoded.Retain);
        Assert.Equal(setDup, decoded.Duplicate);
        Assert.Equal(qos > 0 ? 513 : 0, decoded.PacketId);
        if (v == MqttProtocolVersion.V500) Assert.Equal(new List<int> { 7, 300 }, decoded.Properties!.SubscriptionIdentifiers);
        AssertRoundTrip(bytes, v);
    }

    [Theory]
    [InlineData(MqttPacketType.PubAck)]
    [InlineData(MqttPacketType.PubRec)]
    [InlineData(MqttPacketType.PubRel)]
    [InlineData(MqttPacketType.PubComp)]
    public void Publish_acknowledgements(MqttPacketType type)
    {
        foreach (var v in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            var shortForm = Encode(w => new PublishAckPacket(type, 0x1234).Write(w, v));
            Assert.Equal(new byte[] { MqttFixedHeader.FirstByte(type), 2, 0x12, 0x34 }, shortForm);
            var span = new byte[4];
            PublishAckPacket.WriteShort(span, type, 0x1234);
            Assert.Equal(shortForm, span);
            AssertRoundTrip(shortForm, v);
        }
        var full = Encode(w => new PublishAckPacket(type, 9, MqttReasonCode.NotAuthorized, new MqttProperties { ReasonString = "acl" })
            .Write(w, MqttProtocolVersion.V500));
        var (first, body) = Split(full);
        var decoded = PublishAckPacket.Decode(type, body, (byte)(first & 0xF), MqttProtocolVersion.V500);
        Assert.Equal(MqttReasonCode.NotAuthorized, decoded.ReasonCode);
        Assert.Equal("acl", decoded.Properties!.ReasonString);
        AssertRoundTrip(full, MqttProtocolVersion.V500);
        // 5.0 §3.4.2.1: a reason code without properties (remaining length 3) is valid too.
        var three = new byte[] { MqttFixedHeader.FirstByte(type), 3, 0, 9, 0x10 };
        Assert.Equal((MqttReasonCode)0x10, PublishAckPacket.Decode(type, three.AsSpan(2), (byte)(three[0] & 0xF), MqttProtocolVersion.V500).ReasonCode);
    }

    [Theory, MemberData(nameof(Versions))]
    public void Subscribe_and_SubAck(MqttProtocolVersion v)
    {
        var sub = new SubscribePacket
        {
            PacketId = 77,
            Subscriptions =
            [
                new("tracking/v1/+/+/+/telemetry", MqttQos.AtLeastOnce),
                new("$share/gateways/tracking/v1/#", MqttQos.ExactlyOnce)
                {
                    NoLocal = v == MqttProtocolVersion.V500, RetainAsPublished = v == MqttProtocolVersion.V500,
                    RetainHandling = v == MqttProtocolVersion.V500 ? MqttRetainHandling.DoNotSend : 0,
                },
            ],
            Properties = Props(v, () => new MqttProperties { SubscriptionIdentifiers = [42] }),
        };
        var bytes = Encode(w => sub.Write(w, v));
        var (first, body) = Split(bytes);
        Assert.Equal(0x82, first); // §3.8.1: SUBSCRIBE flags are 0010
        var decoded = SubscribePacket.Decode(body, (byte)(first & 0xF), v);
        Assert.Equal(77, decoded.PacketId);
        Assert.Equal(sub.Subscriptions, decoded.Subscriptions);
        AssertRoundTrip(bytes, v);

        var ack = new SubAckPacket { PacketId = 77, ReasonCodes = [MqttReasonCode.GrantedQos1, MqttReasonCode.UnspecifiedError] };
        var ackBytes = Encode(w => ack.Write(w, v));
        var (af, ab) = Split(ackBytes);
        Assert.Equal(ack.ReasonCodes, SubAckPacket.Decode(MqttPacketType.SubAck, ab, (byte)(af & 0xF), v).ReasonCodes);
        AssertRoundTrip(ackBytes, v);
    }

    [Theory, MemberData(nameof(Versions))]
    public void Unsubscribe_and_UnsubAck(MqttProtocolVersion v)
    {
        var unsub = new UnsubscribePacket { PacketId = 5, TopicFilters = ["a/+", "b/#"] };
        var bytes = Encode(w => unsub.Write(w, v));
        Assert.Equal(0xA2, bytes[0]);
        var (first, body) = Split(bytes);
        Assert.Equal(unsub.TopicFilters, UnsubscribePacket.Decode(body, (byte)(first & 0xF), v).TopicFilters);
        AssertRoundTrip(bytes, v);

        var ack = new SubAckPacket
        {
            Type = MqttPacketType.UnsubAck, PacketId = 5,
            ReasonCodes = v == MqttProtocolVersion.V500 ? [MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted] : [],
        };
        var ackBytes = Encode(w => ack.Write(w, v));
        if (v == MqttProtocolVersion.V311) Assert.Equal(new byte[] { 0xB0, 2, 0, 5 }, ackBytes);
        AssertRoundTrip(ackBytes, v);
    }

    [Fact]
    public void Ping_and_disconnect()
    {
        Assert.Equal(new byte[] { 0xC0, 0 }, Encode(w => PingPacket.Write(w, MqttPacketType.PingReq)));
        Assert.Equal(new byte[] { 0xD0, 0 }, Encode(w => PingPacket.Write(w, MqttPacketType.PingResp)));
        Assert.Equal(new byte[] { 0xE0, 0 }, Encode(w => new DisconnectPacket().Write(w, MqttProtocolVersion.V311)));
        Assert.Equal(new byte[] { 0xE0, 0 }, Encode(w => new DisconnectPacket().Write(w, MqttProtocolVersion.V500)));
        var withReason = Encode(w => new DisconnectPacket
        {
            ReasonCode = MqttReasonCode.ServerShuttingDown, Properties = new MqttProperties { ReasonString = "bye", SessionExpiryInterval = 0 },
        }.Write(w, MqttProtocolVersion.V500));
        var (first, body) = Split(withReason);
        var d = DisconnectPacket.Decode(MqttPacketType.Disconnect, body, (byte)(first & 0xF), MqttProtocolVersion.V500);
        Assert.Equal(MqttReasonCode.ServerShuttingDown, d.ReasonCode);
        Assert.Equal("bye", d.Properties!.ReasonString);
        AssertRoundTrip(withReason, MqttProtocolVersion.V500);
        var auth = Encode(w => new DisconnectPacket
        {
            Type = MqttPacketType.Auth, ReasonCode = MqttReasonCode.ContinueAuthentication,
            Properties = new MqttProperties { AuthenticationMethod = "SCRAM-SHA-1", AuthenticationData = [1, 2] },
        }.Write(w, MqttProtocolVersion.V500));
        Assert.Equal(0xF0, auth[0]);
        AssertRoundTrip(auth, MqttProtocolVersion.V500);
    }
}
