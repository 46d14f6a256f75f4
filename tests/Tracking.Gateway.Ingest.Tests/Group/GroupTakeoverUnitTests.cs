using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Group;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.Group;

/// <summary>
/// The parts of the takeover that need no broker: who takes a dead member over, the status topic, what the watch
/// connection's messages do to the group view and the gauges, the pump, and the settings. The takeover itself runs
/// against real mosquitto in tests/Tracking.Gateway.Tests (GroupTakeoverTests) and the chaos suite (ScaleOutTests).
/// </summary>
public sealed class GroupTakeoverUnitTests
{
    [Fact]
    public void Every_survivor_picks_the_same_one_whatever_order_it_lists_the_members_in()
    {
        string[] online = ["gw-1", "gw-2", "gw-4"];
        foreach (string dead in Enumerable.Range(0, 50).Select(i => $"gw-dead-{i}"))
        {
            string chosen = GroupTakeover.Responsible(online, dead);
            Assert.Equal(chosen, GroupTakeover.Responsible([.. online.Reverse()], dead));
            Assert.Equal(chosen, GroupTakeover.Responsible(["gw-4", "gw-1", "gw-2"], dead));
            Assert.Contains(chosen, online);
        }
    }

    [Fact]
    public void Dead_members_are_spread_over_the_survivors()
    {
        string[] online = ["gw-1", "gw-2", "gw-3"];
        var counts = Enumerable.Range(0, 300).GroupBy(i => GroupTakeover.Responsible(online, $"gateway-{i}")).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 60, 140));
        Assert.Equal("gw-9", GroupTakeover.Responsible(["gw-9"], "gw-1"));
    }

    [Theory]
    [InlineData("tracking/gateways/g1/gw-1", "gw-1")]
    [InlineData("tracking/gateways/g1/", null)]
    [InlineData("tracking/gateways/g1/gw-1/x", null)]
    [InlineData("tracking/gateways/g2/gw-1", null)]
    [InlineData("tracking/v1/f/c/t/status", null)]
    public void A_status_topic_names_its_member(string topic, string? member)
    {
        Assert.Equal(member, GroupStatus.MemberOf("g1", topic));
        if (member is not null) Assert.Equal(topic, GroupStatus.Topic("g1", member));
    }

    [Fact]
    public void The_will_is_a_retained_offline_on_the_members_status_topic()
    {
        var will = GroupStatus.Will("g1", "gw-1");
        Assert.Equal("tracking/gateways/g1/gw-1", will.Topic);
        Assert.Equal("offline", Encoding.ASCII.GetString(will.Payload.Span));
        Assert.True(will.Retain);
        Assert.Equal(MqttQos.AtLeastOnce, will.Qos);
    }

    [Fact]
    public async Task Statuses_and_sys_figures_make_the_group_view_and_the_gauges()
    {
        var time = new ManualTimeProvider();
        await using var takeover = new GroupTakeover(new MqttOptions { ClientId = "gw-1", SharedGroup = "g1", Takeover = true },
            Channel.CreateUnbounded<MqttMessage>().Writer, NullLoggerFactory.Instance, time);
        Assert.Contains("tracking_gateway_group_members{state=\"online\"} 1\n", Metrics(takeover));
        Assert.DoesNotContain("tracking_gateway_broker_store_messages", Metrics(takeover));

        takeover.Observe("tracking/gateways/g1/gw-2", "online"u8);
        takeover.Observe("tracking/gateways/g1/gw-3", "offline"u8);
        takeover.Observe("tracking/gateways/g1/gw-1", "offline"u8); // our own will from an earlier life: we are online
        takeover.Observe("tracking/gateways/other/gw-9", "offline"u8); // another group
        takeover.Observe("tracking/gateways/g1/gw-4", "junk"u8);
        takeover.Observe("$SYS/broker/store/messages/count", "1234"u8);
        takeover.Observe("$SYS/broker/clients/disconnected", "2"u8);
        string text = Metrics(takeover);
        Assert.Contains("tracking_gateway_group_members{state=\"online\"} 2\n", text);
        Assert.Contains("tracking_gateway_group_members{state=\"offline\"} 1\n", text);
        Assert.Contains("tracking_gateway_broker_store_messages 1234\n", text);
        Assert.Contains("tracking_gateway_broker_clients_disconnected 2\n", text);
        Assert.Contains("tracking_gateway_group_takeover_messages_total 0\n", text);

        takeover.Observe("tracking/gateways/g1/gw-3", "online"u8);
        takeover.Observe("tracking/gateways/g1/gw-2", ""u8); // cleared by an operator: gone from the group
        takeover.Observe("$SYS/broker/store/messages/count", "not a number"u8);
        text = Metrics(takeover);
        Assert.Contains("tracking_gateway_group_members{state=\"online\"} 2\n", text);
        Assert.Contains("tracking_gateway_group_members{state=\"offline\"} 0\n", text);
        Assert.Contains("tracking_gateway_broker_store_messages 1234\n", text);
    }

    [Fact]
    public async Task The_pump_copies_everything_and_passes_back_pressure_on()
    {
        var source = Channel.CreateUnbounded<MqttMessage>();
        var target = Channel.CreateBounded<MqttMessage>(1);
        for (int i = 0; i < 3; i++) source.Writer.TryWrite(default);
        int seen = 0;
        using var stop = new CancellationTokenSource();
        Task pump = GroupTakeover.PumpAsync(source.Reader, target.Writer, stop.Token, () => Interlocked.Increment(ref seen));
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (Volatile.Read(ref seen) < 2) await Task.Delay(10, wait.Token);
        }

        await Task.Delay(100);
        // one in the full target, one read and waiting for room: the third is not taken from the source meanwhile
        Assert.Equal(2, Volatile.Read(ref seen));
        Assert.Equal(1, source.Reader.Count);
        for (int i = 0; i < 3; i++) await target.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, Volatile.Read(ref seen));
        await stop.CancelAsync();
        await pump.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("", "gw-1", 30, "needs a Mqtt:SharedGroup")]
    [InlineData("g1", "gw/1", 30, "must not contain")]
    [InlineData("g1", "gw-1", 0, "TakeoverAfter must be positive")]
    [InlineData("g1", "gw-1", 100_000, "at most Mqtt:SessionExpirySeconds")]
    public void Bad_takeover_settings_stop_the_start(string group, string clientId, int afterSeconds, string message)
    {
        var options = new MqttOptions { SharedGroup = group, ClientId = clientId, Takeover = true, TakeoverAfter = TimeSpan.FromSeconds(afterSeconds) };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_settings_are_valid_and_leave_the_takeover_off()
    {
        var options = new MqttOptions();
        options.Validate();
        Assert.False(options.Takeover);
        new MqttOptions { Takeover = true }.Validate();
    }

    private static string Metrics(GroupTakeover takeover)
    {
        var text = new StringBuilder();
        takeover.WriteMetrics(text);
        return text.ToString();
    }
}
