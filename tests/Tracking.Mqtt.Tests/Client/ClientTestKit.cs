using System.Text;
using Tracking.Mqtt;

namespace Tracking.Mqtt.Tests.Client;

/// <summary>Client construction and receiving with deadlines, shared by the client tests.</summary>
internal static class ClientTestKit
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static MqttClientOptions Options(string host, int port, MqttProtocolVersion version, string? clientId = null) => new()
    {
        Host = host, Port = port, ProtocolVersion = version, ClientId = clientId ?? "t-" + Guid.NewGuid().ToString("N")[..12],
        ReconnectMinDelay = TimeSpan.FromMilliseconds(100), ReconnectMaxDelay = TimeSpan.FromSeconds(1),
    };

    public static async Task<MqttClient> ConnectAsync(MqttClientOptions options)
    {
        var client = new MqttClient(options);
        await client.ConnectAsync();
        return client;
    }

    public static async Task<List<MqttMessage>> ReceiveAsync(MqttClient client, int count, TimeSpan? deadline = null)
    {
        using var cts = new CancellationTokenSource(deadline ?? Deadline);
        var list = new List<MqttMessage>(count);
        try
        {
            while (list.Count < count) list.Add(await client.Messages.ReadAsync(cts.Token));
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"received {list.Count} of {count} messages before the deadline");
        }
        return list;
    }

    /// <summary>Collects whatever arrives within a quiet period (to prove that nothing more comes).</summary>
    public static async Task<List<MqttMessage>> DrainAsync(MqttClient client, TimeSpan quiet)
    {
        var list = new List<MqttMessage>();
        while (true)
        {
            using var cts = new CancellationTokenSource(quiet);
            try { list.Add(await client.Messages.ReadAsync(cts.Token)); }
            catch (OperationCanceledException) { return list; }
        }
    }

    public static string Text(this MqttMessage m) => Encoding.UTF8.GetString(m.Payload.Span);
    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null)
    {
        var end = DateTime.UtcNow + (deadline ?? Deadline);
        while (!condition())
        {
            if (DateTime.UtcNow > end) Assert.Fail("timed out waiting until " + what);
            await Task.Delay(20);
        }
    }
}
