using System.Diagnostics;
using Tracking.Mqtt;
using Tracking.Mqtt.Packets;
using static Tracking.Mqtt.Tests.Codec.PacketBytes;

namespace Tracking.Mqtt.Tests.Codec;

/// <summary>
/// Random, mutated and truncated input: the decoder may only answer with its own protocol exception,
/// never another exception, and never run long.
/// </summary>
public class DecoderFuzzTests
{
    private static readonly MqttProtocolVersion[] Versions = [MqttProtocolVersion.V311, MqttProtocolVersion.V500];

    private static IEnumerable<byte[]> ValidPackets(MqttProtocolVersion v)
    {
        var props = v == MqttProtocolVersion.V500 ? new MqttProperties { ReasonString = "r", UserProperties = [new("a", "b")] } : null;
        yield return Encode(w => new ConnectPacket
        {
            ProtocolVersion = v, ClientId = "id", Username = "u", Password = new byte[] { 1 }, KeepAliveSeconds = 5,
            Will = new MqttWill { Topic = "w/t", Payload = new byte[] { 9 }, Qos = MqttQos.AtLeastOnce, Retain = true },
            Properties = v == MqttProtocolVersion.V500 ? new MqttProperties { SessionExpiryInterval = 9, ReceiveMaximum = 3 } : null,
        }.Write(w));
        yield return Encode(w => new ConnAckPacket { SessionPresent = true, Properties = props }.Write(w, v));
        yield return Encode(w => PublishPacket.Write(w, v, "t/x", new byte[] { 1, 2, 3 }, MqttQos.AtLeastOnce, true, true, 7,
            v == MqttProtocolVersion.V500 ? new MqttProperties { ContentType = "c", SubscriptionIdentifiers = [5] } : null));
        yield return Encode(w => new PublishAckPacket(MqttPacketType.PubRel, 3, MqttReasonCode.Success, props).Write(w, v));
        yield return Encode(w => new SubscribePacket { PacketId = 4, Subscriptions = [new("a/#"), new("$share/g/b")] }.Write(w, v));
        yield return Encode(w => new SubAckPacket { PacketId = 4, ReasonCodes = [MqttReasonCode.GrantedQos1], Properties = props }.Write(w, v));
        yield return Encode(w => new UnsubscribePacket { PacketId = 4, TopicFilters = ["a/#"] }.Write(w, v));
        yield return Encode(w => new DisconnectPacket { ReasonCode = MqttReasonCode.ServerBusy, Properties = props }.Write(w, v));
    }

    private static void DecodeOnlyFailsWithProtocolException(byte[] input, MqttProtocolVersion v)
    {
        try
        {
            DecodeAndReencode(input, v);
        }
        catch (MqttProtocolException)
        {
        }
        catch (Exception ex)
        {
            Assert.Fail($"{ex.GetType().Name} for input {Convert.ToHexString(input)} ({v}): {ex.Message}");
        }
    }

    [Fact]
    public void Every_truncation_of_every_packet()
    {
        foreach (var v in Versions)
            foreach (var packet in ValidPackets(v))
                for (int cut = 0; cut < packet.Length; cut++)
                {
                    // Truncated remaining length too: the frame claims more than it has, or the body ends early.
                    DecodeOnlyFailsWithProtocolException(packet[..cut], v);
                    var shortened = packet[..cut];
                    if (shortened.Length >= 2) shortened[1] = (byte)Math.Min(shortened.Length - 2, 127);
                    DecodeOnlyFailsWithProtocolException(shortened, v);
                }
    }

    [Fact]
    public void Random_mutations_of_valid_packets()
    {
        var random = new Random(20261123);
        var watch = Stopwatch.StartNew();
        int cases = 0;
        foreach (var v in Versions)
            foreach (var packet in ValidPackets(v))
                for (int i = 0; i < 3000; i++, cases++)
                {
                    var m = (byte[])packet.Clone();
                    int flips = 1 + random.Next(4);
                    for (int f = 0; f < flips; f++) m[random.Next(m.Length)] = (byte)random.Next(256);
                    DecodeOnlyFailsWithProtocolException(m, v);
                }
        Assert.True(cases >= 40_000);
        // Not a timing assertion of speed, a guard against loops: 48,000 small packets take milliseconds.
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), $"decoding took {watch.Elapsed}");
    }

    [Fact]
    public void Random_bytes()
    {
        var random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            var m = new byte[random.Next(1, 64)];
            random.NextBytes(m);
            if (random.Next(2) == 0 && m.Length > 1) m[1] = (byte)(m.Length - 2); // a plausible length makes it reach the body decoders
            DecodeOnlyFailsWithProtocolException(m, Versions[i % 2]);
        }
    }
}
