using System.Text;
using Tracking.Gateway.Ingest.Observability;

namespace Tracking.Gateway.Ingest.Tests.Observability;

/// <summary>
/// /metrics shows both sides of the MQTT client's queue: what the client took from the broker and what waits for ingest,
/// beside ingest's own received count, so a stall shows where it is (the proxy-influx stall was first read as ingest
/// having stopped taking messages when it had taken all of them).
/// </summary>
public sealed class MqttQueueMetricsTests
{
    private static string Render(GatewayMetrics.Gauges gauges)
    {
        var text = new StringBuilder();
        new GatewayMetrics().WritePrometheus(text, gauges);
        return text.ToString();
    }

    [Fact]
    public void The_clients_delivered_count_and_queue_are_rendered_when_known()
    {
        string text = Render(new GatewayMetrics.Gauges(true, 0, 0, 0, false, 0, MqttDelivered: 123, MqttQueued: 7));
        Assert.Contains("\ntracking_gateway_mqtt_messages_delivered_total 123\n", text, StringComparison.Ordinal);
        Assert.Contains("\ntracking_gateway_mqtt_queue_messages 7\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_client_the_lines_are_left_out()
    {
        string text = Render(new GatewayMetrics.Gauges(false, 0, 0, 0, false, 0));
        Assert.DoesNotContain("tracking_gateway_mqtt_messages_delivered_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain("tracking_gateway_mqtt_queue_messages", text, StringComparison.Ordinal);
    }
}
