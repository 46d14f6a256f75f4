using Tracking.Mqtt;
using Tracking.Testing;
using static Tracking.Mqtt.Tests.Client.ClientTestKit;

namespace Tracking.Mqtt.Tests.Client;

/// <summary>
/// <see cref="MqttClientOptions.ReceiveCoalesceDelay"/>: the decision on its own, then against a real mosquitto: a quiet
/// connection's message is read without a pause, a stream of small messages is read with pauses and arrives whole and
/// in order, and zero turns it off.
/// </summary>
public class ReceiveCoalescingTests(MosquittoFixture broker) : IClassFixture<MosquittoFixture>
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(2);

    [Fact]
    public void A_small_read_that_found_its_data_at_once_pauses()
    {
        Assert.True(ReceiveCoalescing.ShouldPause(200, TimeSpan.Zero, Delay));
        Assert.True(ReceiveCoalescing.ShouldPause(ReceiveCoalescing.SmallReadBytes - 1, Delay - TimeSpan.FromTicks(1), Delay));
    }

    [Fact]
    public void A_read_that_waited_for_its_data_does_not_pause()
    {
        // An idle connection's first message: whatever follows it is read at once too.
        Assert.False(ReceiveCoalescing.ShouldPause(200, Delay, Delay));
        Assert.False(ReceiveCoalescing.ShouldPause(200, TimeSpan.FromSeconds(30), Delay));
    }

    [Fact]
    public void A_large_read_does_not_pause()
    {
        Assert.False(ReceiveCoalescing.ShouldPause(ReceiveCoalescing.SmallReadBytes, TimeSpan.Zero, Delay));
        Assert.False(ReceiveCoalescing.ShouldPause(64 * 1024, TimeSpan.Zero, Delay));
    }

    [Fact]
    public void Zero_turns_it_off()
    {
        Assert.False(ReceiveCoalescing.ShouldPause(1, TimeSpan.Zero, TimeSpan.Zero));
    }

    [Fact]
    public void A_negative_or_huge_delay_is_refused()
    {
        var options = Options("127.0.0.1", 1883, MqttProtocolVersion.V500);
        options.ReceiveCoalesceDelay = TimeSpan.FromMilliseconds(-1);
        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        options.ReceiveCoalesceDelay = TimeSpan.FromSeconds(2);
        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    [Fact]
    public async Task A_quiet_connections_message_is_read_without_a_pause()
    {
        var options = Options(broker.Server.Host, broker.Server.Port, MqttProtocolVersion.V500);
        // Long enough that a pause after the message's read would show in the counter.
        options.ReceiveCoalesceDelay = TimeSpan.FromMilliseconds(500);
        string topic = "coalesce/" + Guid.NewGuid().ToString("N");
        await using var sub = await ConnectAsync(options);
        await sub.SubscribeAsync(topic, MqttQos.AtLeastOnce);
        await using var pub = await ConnectAsync(Options(broker.Server.Host, broker.Server.Port, MqttProtocolVersion.V500));

        for (int i = 0; i < 2; i++)
        {
            // Quiet for longer than a pause (after the SUBACK's read, say) and then the delay: the subscriber's read has
            // been waiting for longer than the delay when the message comes.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            long pausesBefore = sub.Counters.CoalescingPauses;
            await pub.PublishAsync(topic, Bytes("quiet " + i), MqttQos.AtLeastOnce);
            List<MqttMessage> received = await ReceiveAsync(sub, 1);
            Assert.Equal("quiet " + i, received[0].Text());
            Assert.Equal(pausesBefore, sub.Counters.CoalescingPauses);
        }
    }

    [Theory]
    [InlineData(50, true)]
    [InlineData(0, false)]
    public async Task A_stream_of_small_messages_arrives_whole_and_in_order(int delayMs, bool pauses)
    {
        var options = Options(broker.Server.Host, broker.Server.Port, MqttProtocolVersion.V500);
        options.ReceiveCoalesceDelay = TimeSpan.FromMilliseconds(delayMs);
        string topic = "coalesce/" + Guid.NewGuid().ToString("N");
        await using var sub = await ConnectAsync(options);
        await sub.SubscribeAsync(topic, MqttQos.AtLeastOnce);
        await using var pub = await ConnectAsync(Options(broker.Server.Host, broker.Server.Port, MqttProtocolVersion.V500));

        const int count = 300;
        Task publishing = Task.Run(async () =>
        {
            // One small packet at a time, so the subscriber's reads are small and follow each other closely.
            for (int i = 0; i < count; i++)
            {
                await pub.PublishAsync(topic, Bytes("m" + i), MqttQos.AtLeastOnce);
                if (i % 10 == 9) await Task.Delay(1);
            }
        });
        List<MqttMessage> received = await ReceiveAsync(sub, count);
        await publishing;

        Assert.Equal(Enumerable.Range(0, count).Select(i => "m" + i), received.Select(m => m.Text()));
        if (pauses) Assert.InRange(sub.Counters.CoalescingPauses, 1, count);
        else Assert.Equal(0, sub.Counters.CoalescingPauses);
    }
}
