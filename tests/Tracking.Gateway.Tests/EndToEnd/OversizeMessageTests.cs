using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Mqtt;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// Mqtt:MaxPacketBytes against real mosquitto: a payload over the contract's limit that fits the packet limit is
/// dead-lettered with its reason and acknowledged; a packet over the limit never reaches the gateway (an MQTT 5 broker
/// discards it for this session); neither costs the connection nor the valid message behind them.
/// </summary>
public sealed class OversizeMessageTests : RealServersTest
{
    private const string Topic = "tracking/v1/fleet1/CSQU3054383/tag-big/telemetry";

    [Fact]
    public async Task Oversize_payloads_are_dead_lettered_or_kept_out_by_the_broker_and_the_next_message_is_stored()
    {
        var (app, service) = await StartInProcessAsync([.. GatewayArgs("gw-oversize"), "--mqtt-max-packet-bytes", "16384"]);
        try
        {
            byte[] overContract = Junk(SensorLimits.MaxPayloadBytes + 6000);   // fits 16 KiB: refused by the decoder
            byte[] overPacket = Junk(20_000);   // does not (under the 64 KiB default): the broker keeps it away
            byte[] valid = """{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1]]}"""u8.ToArray();
            await using (MqttClient pub = await PublisherAsync())
            {
                await pub.PublishAsync(Topic, overContract, MqttQos.AtLeastOnce);
                await pub.PublishAsync(Topic, overPacket, MqttQos.AtLeastOnce);
                await pub.PublishAsync(Topic, valid, MqttQos.AtLeastOnce);
            }

            var sw = Stopwatch.StartNew();
            while (service.Metrics.LinesWritten < 1)
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), "the valid message behind the oversize ones was not written");
                await Task.Delay(100);
            }

            Assert.Equal(2, service.Metrics.Received);
            Assert.Equal(1, service.Metrics.Rejected(RejectReason.PayloadTooLarge));
            Assert.Empty(service.HealthProblems());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        string letter = Assert.Single(File.ReadAllLines(Path.Combine(SpoolDir, DeadLetterFile.FileName)));
        using var doc = JsonDocument.Parse(letter);
        Assert.Equal("payload_too_large", doc.RootElement.GetProperty("reason").GetString());
        Assert.Equal(Topic, doc.RootElement.GetProperty("topic").GetString());
        using var stored = JsonDocument.Parse(await Influxd.QueryAsync("SELECT count(*) FROM /.*/", Db));
        Assert.Contains("series", stored.RootElement.GetProperty("results")[0].EnumerateObject().Select(p => p.Name));
    }

    private static byte[] Junk(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
