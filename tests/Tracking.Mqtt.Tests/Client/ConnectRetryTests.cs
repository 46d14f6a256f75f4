using System.Collections.Concurrent;
using Tracking.Mqtt;
using Tracking.Retry;
using Tracking.Testing;
using static Tracking.Mqtt.Tests.Client.ClientTestKit;

namespace Tracking.Mqtt.Tests.Client;

/// <summary>
/// The client is the one owner of connecting: the first connect and the reconnects wait the shared
/// <see cref="Backoff"/> on the client's clock (a manual one here, so no test waits in real time) and report each
/// failure through <see cref="MqttClient.ConnectFailed"/>.
/// </summary>
public sealed class ConnectRetryTests
{
    private static readonly byte[] ConnAckRefused = [0x20, 0x03, 0x00, 0x86, 0x00]; // 5.0: bad user name or password
    private static readonly byte[] ConnAckAccepted = [0x20, 0x03, 0x00, 0x00, 0x00];
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1), Max = TimeSpan.FromSeconds(8);

    private static MqttClientOptions RetryOptions(int port)
    {
        MqttClientOptions options = Options("127.0.0.1", port, MqttProtocolVersion.V500);
        options.ReconnectMinDelay = Min;
        options.ReconnectMaxDelay = Max;
        options.KeepAlive = TimeSpan.Zero; // the only timers on the clock are the backoff's
        return options;
    }

    private static async Task AnswerAsync(ScriptedBroker broker, byte[] connAck, bool keepOpen = false)
    {
        ScriptedBroker.Connection c = await broker.AcceptAsync();
        Assert.Equal(MqttPacketType.Connect, (await c.ReadPacketAsync()).Type);
        await c.SendAsync(connAck);
        if (!keepOpen) c.Dispose();
    }

    /// <summary>Waits until the client waits on the clock, checks that it waits <paramref name="expected"/>, and lets it pass.</summary>
    private static async Task PassTheWaitAsync(ManualTimeProvider clock, TimeSpan expected)
    {
        await WaitUntilAsync(() => clock.PendingTimers.Count == 1, "the client waits on the clock");
        // Task.Delay hands the timer whole milliseconds.
        Assert.Equal(TimeSpan.FromMilliseconds(Math.Floor(expected.TotalMilliseconds)), clock.PendingTimers[0]);
        clock.Advance(expected / 2);
        Assert.Single(clock.PendingTimers); // not before its time
        clock.Advance(expected);
    }

    [Fact]
    public async Task The_first_connect_retries_refusals_with_the_shared_backoff_on_the_clock()
    {
        await using var broker = new ScriptedBroker();
        var clock = new ManualTimeProvider();
        await using var client = new MqttClient(RetryOptions(broker.Port), null, clock, new Random(3));
        var failures = new ConcurrentQueue<MqttConnectFailedEventArgs>();
        client.ConnectFailed += failures.Enqueue;
        var expected = new Backoff(Min, Max, new Random(3));

        Task<MqttConnectResult> connecting = client.ConnectWithRetryAsync();
        for (int attempt = 1; attempt <= 4; attempt++)
        {
            await AnswerAsync(broker, ConnAckRefused);
            await WaitUntilAsync(() => failures.Count == attempt, $"attempt {attempt} is reported");
            MqttConnectFailedEventArgs failure = failures.Last();
            Assert.Equal(attempt, failure.Attempt);
            Assert.False(failure.Reconnect);
            Assert.IsType<MqttConnectException>(failure.Error);
            TimeSpan delay = expected.Delay(attempt);
            Assert.Equal(delay, failure.RetryIn);
            Assert.InRange(delay, expected.Ceiling(attempt) / 2, expected.Ceiling(attempt));
            await PassTheWaitAsync(clock, delay);
        }

        await AnswerAsync(broker, ConnAckAccepted, keepOpen: true);
        MqttConnectResult result = await connecting.WaitAsync(Deadline);
        Assert.Equal(MqttReasonCode.Success, result.ReasonCode);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task A_lost_connection_waits_the_same_backoff_before_each_reconnect()
    {
        await using var broker = new ScriptedBroker();
        var clock = new ManualTimeProvider();
        await using var client = new MqttClient(RetryOptions(broker.Port), null, clock, new Random(11));
        var failures = new ConcurrentQueue<MqttConnectFailedEventArgs>();
        client.ConnectFailed += failures.Enqueue;
        var expected = new Backoff(Min, Max, new Random(11));

        Task<MqttConnectResult> connecting = client.ConnectWithRetryAsync();
        await AnswerAsync(broker, ConnAckAccepted); // accepted, then the broker goes away
        await connecting.WaitAsync(Deadline);
        Assert.Empty(failures);

        await PassTheWaitAsync(clock, expected.Delay(1)); // the loss counts as the first failure
        await AnswerAsync(broker, ConnAckRefused);
        await WaitUntilAsync(() => failures.Count == 1, "the refused reconnect is reported");
        MqttConnectFailedEventArgs failure = Assert.Single(failures);
        Assert.True(failure.Reconnect);
        Assert.Equal(1, failure.Attempt);
        Assert.IsType<MqttConnectException>(failure.Error);
        Assert.Equal(expected.Delay(2), failure.RetryIn);

        await PassTheWaitAsync(clock, failure.RetryIn);
        ScriptedBroker.Connection c = await broker.AcceptAsync();
        Assert.Equal(MqttPacketType.Connect, (await c.ReadPacketAsync()).Type);
        await c.SendAsync(ConnAckAccepted);
        await WaitUntilAsync(() => client.IsConnected, "the client is connected again");
        c.Dispose();
    }
}
