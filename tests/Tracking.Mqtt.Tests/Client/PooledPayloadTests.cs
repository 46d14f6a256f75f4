using System.Runtime.InteropServices;
using System.Text;
using Tracking.Mqtt;
using Tracking.Testing;
using static Tracking.Mqtt.Tests.Client.ClientTestKit;

namespace Tracking.Mqtt.Tests.Client;

/// <summary>
/// <see cref="MqttClientOptions.PooledPayloads"/> against a real mosquitto: payloads arrive intact, a returned array
/// carries later messages (no array per message), and a payload nobody returns stays valid.
/// </summary>
public class PooledPayloadTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    private const int Messages = 2000;

    [Fact]
    public async Task Returned_payload_arrays_carry_later_messages_instead_of_a_new_array_each()
    {
        (HashSet<byte[]> arrays, int pooled) = await ReceiveDistinctArraysAsync(pooledPayloads: true);

        Assert.Equal(Messages, pooled);
        // Arrays are rented as messages arrive and returned as the test reads them; the queue holds what the test has
        // not read yet, so a handful of arrays is in use at once, never one per message.
        Assert.InRange(arrays.Count, 1, Messages / 10);
    }

    [Fact]
    public async Task Without_pooling_every_message_has_its_own_array()
    {
        (HashSet<byte[]> arrays, int pooled) = await ReceiveDistinctArraysAsync(pooledPayloads: false);

        Assert.Equal(0, pooled);
        Assert.Equal(Messages, arrays.Count); // ReturnPayload does nothing to an array of the message's own
    }

    [Fact]
    public async Task A_pooled_payload_nobody_returns_stays_valid()
    {
        var options = Options(broker.Server.Host, broker.Server.Port, MqttProtocolVersion.V500);
        options.PooledPayloads = true;
        string topic = "pooled/" + Guid.NewGuid().ToString("N");
        await using var sub = await ConnectAsync(options);
        await sub.SubscribeAsync(topic, MqttQos.AtLeastOnce);
        await using var pub = await ConnectAsync(Options(broker.Server.Host, broker.Server.Port, MqttProtocolVersion.V500));

        const int count = 300;
        for (int i = 0; i < count; i++) await pub.PublishAsync(topic, Payload(i), MqttQos.AtLeastOnce);
        List<MqttMessage> received = await ReceiveAsync(sub, count);

        // Only returned arrays are reused: none of these was, so each still holds its own message.
        for (int i = 0; i < count; i++) Assert.Equal(Encoding.UTF8.GetString(Payload(i)), received[i].Text());
        Assert.All(received, m => Assert.True(m.HasPooledPayload));
    }

    private async Task<(HashSet<byte[]> Arrays, int Pooled)> ReceiveDistinctArraysAsync(bool pooledPayloads)
    {
        var options = Options(broker.Server.Host, broker.Server.Port, MqttProtocolVersion.V500);
        options.PooledPayloads = pooledPayloads;
        string topic = "pooled/" + Guid.NewGuid().ToString("N");
        await using var sub = await ConnectAsync(options);
        await sub.SubscribeAsync(topic, MqttQos.AtLeastOnce);
        await using var pub = await ConnectAsync(Options(broker.Server.Host, broker.Server.Port, MqttProtocolVersion.V500));

        var arrays = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        int pooled = 0;
        Task publishing = Task.Run(async () =>
        {
            for (int i = 0; i < Messages; i++) await pub.PublishAsync(topic, Payload(i), MqttQos.AtLeastOnce);
        });
        using var cts = new CancellationTokenSource(Deadline);
        for (int i = 0; i < Messages; i++)
        {
            MqttMessage m = await sub.Messages.ReadAsync(cts.Token);
            // Every message intact, although its array may have carried others before.
            Assert.Equal(Encoding.UTF8.GetString(Payload(i)), m.Text());
            Assert.True(MemoryMarshal.TryGetArray(m.Payload, out ArraySegment<byte> segment));
            arrays.Add(segment.Array!);
            if (m.HasPooledPayload) pooled++;
            m.ReturnPayload();
        }

        await publishing;
        return (arrays, pooled);
    }

    // Distinct content per message (and two sizes), so a reused array that was not fully overwritten would show.
    private static byte[] Payload(int i) =>
        Encoding.UTF8.GetBytes(i % 3 == 0 ? $"{{\"seq\":{i},\"t\":[21.5,22.25]}}" : $"{{\"seq\":{i},\"t\":[21.5,22.25,23.75,24.5,25.125],\"pad\":\"{new string('x', i % 97)}\"}}");
}
