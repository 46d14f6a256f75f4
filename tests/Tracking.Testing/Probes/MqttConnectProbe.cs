using System.Net.Sockets;
using System.Text;

namespace Tracking.Testing.Probes;

/// <summary>
/// Readiness check for an MQTT broker, written by hand so the infrastructure does not depend on the client
/// under test: a v3.1.1 CONNECT, any CONNACK (even "not authorised") proves the broker speaks MQTT on the port.
/// </summary>
internal static class MqttConnectProbe
{
    public static async Task<bool> AnswersAsync(string host, int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(TimeSpan.FromSeconds(5));
        await client.ConnectAsync(host, port, attempt.Token).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync(ConnectPacket(), attempt.Token).ConfigureAwait(false);

        var connack = new byte[4];
        await stream.ReadExactlyAsync(connack, attempt.Token).ConfigureAwait(false);
        var answered = connack[0] == 0x20 && connack[1] == 0x02; // CONNACK, remaining length 2 (MQTT 3.1.1 §3.2)
        if (answered && connack[3] == 0)
        {
            await stream.WriteAsync(new byte[] { 0xE0, 0x00 }, attempt.Token).ConfigureAwait(false); // DISCONNECT
        }
        return answered;
    }

    private static byte[] ConnectPacket()
    {
        var clientId = Encoding.ASCII.GetBytes($"trk-probe-{Guid.NewGuid().ToString("N")[..12]}"); // <= 23 bytes, which every broker must accept (§3.1.3.1)
        var body = new List<byte>
        {
            0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T',
            0x04,       // protocol level 4 = 3.1.1
            0x02,       // clean session
            0x00, 0x0A, // keep alive 10 s
            (byte)(clientId.Length >> 8), (byte)clientId.Length,
        };
        body.AddRange(clientId);
        // Remaining length < 128, so one length byte (§2.2.3).
        return [0x10, (byte)body.Count, .. body];
    }
}
