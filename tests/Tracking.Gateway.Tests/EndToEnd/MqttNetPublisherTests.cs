using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// The data path proven with a client this project did not write: MQTTnet publishes (MQTT 3.1.1 and 5) to mosquitto,
/// and every reading reaches InfluxDB once with its values.
/// </summary>
public sealed class MqttNetPublisherTests : RealServersTest
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Readings_published_with_MQTTnet_are_stored_once_with_their_values(MqttProtocolVersion version)
    {
        var (app, service) = await StartInProcessAsync(GatewayArgs("gw-mqttnet-pub"));
        try
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer(Broker.Host, Broker.Port)
                .WithProtocolVersion(version)
                .WithClientId("mqttnet-pub-" + version)
                .Build();
            await client.ConnectAsync(options);
            const int messages = 40;
            for (int seq = 0; seq < messages; seq++)
            {
                string payload = string.Create(CultureInfo.InvariantCulture,
                    $"{{\"v\":1,\"boot\":1,\"seq\":{seq},\"t0\":{1_732_600_000_000 + seq * 60_000L},\"bat\":3.9,\"r\":[[0,{seq * 0.25 - 5},50,1000,0.1]]}}");
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic("tracking/v1/fleet1/CSQU3054383/tag-mqttnet/telemetry")
                    .WithPayload(Encoding.UTF8.GetBytes(payload))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build();
                var result = await client.PublishAsync(message);
                Assert.True(result.IsSuccess, result.ReasonString);
            }

            // One redelivery as a QoS 1 sender may do after a lost PUBACK: stored once all the same.
            await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("tracking/v1/fleet1/CSQU3054383/tag-mqttnet/telemetry")
                .WithPayload(Encoding.UTF8.GetBytes("{\"v\":1,\"boot\":1,\"seq\":0,\"t0\":1732600000000,\"bat\":3.9,\"r\":[[0,-5,50,1000,0.1]]}"))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
            await client.DisconnectAsync();

            var sw = Stopwatch.StartNew();
            while (service.Metrics.LinesWritten < messages || service.Metrics.Duplicates < 1)
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"written {service.Metrics.LinesWritten}, duplicates {service.Metrics.Duplicates}");
                await Task.Delay(100);
            }

            using var doc = JsonDocument.Parse(await Influxd.QueryAsync("SELECT temp_c, seq FROM env WHERE \"tag\" = 'tag-mqttnet'", Db));
            var rows = doc.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values");
            Assert.Equal(messages, rows.GetArrayLength());
            foreach (JsonElement row in rows.EnumerateArray())
            {
                long seq = row[2].GetInt64();
                Assert.Equal(seq * 0.25 - 5, row[1].GetDouble());
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
