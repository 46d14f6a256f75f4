using Tracking.Mqtt.Packets;

namespace Tracking.Mqtt;

public sealed class MqttClientOptions
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 1883;
    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V500;
    /// <summary>Empty lets the server assign one (then only with a clean start in 3.1.1, §3.1.3.1).</summary>
    public string ClientId { get; set; } = "";
    /// <summary>Start with a new session on the first connect. Reconnects resume the session when it can outlive the connection.</summary>
    public bool CleanStart { get; set; } = true;
    /// <summary>MQTT 5.0 Session Expiry Interval in seconds; 0 ends the session with the connection, uint.MaxValue never.</summary>
    public uint SessionExpirySeconds { get; set; }
    public string? Username { get; set; }
    public ReadOnlyMemory<byte>? Password { get; set; }
    public MqttWill? Will { get; set; }
    /// <summary>Zero turns keep-alive off (§3.1.2.10).</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long to wait for any packet after a PINGREQ before the connection is declared dead.</summary>
    public TimeSpan? KeepAliveTimeout { get; set; }
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest packet accepted from the server; larger ones close the connection before they are buffered.</summary>
    public int MaximumPacketSize { get; set; } = 1024 * 1024;
    /// <summary>Outgoing QoS 1/2 messages awaiting acknowledgement; PublishAsync waits for room (back-pressure).</summary>
    public int MaxInflight { get; set; } = 100;
    /// <summary>MQTT 5.0 Receive Maximum sent to the server: unacknowledged QoS 1/2 messages it may send us.</summary>
    public ushort ReceiveMaximum { get; set; } = ushort.MaxValue;
    /// <summary>Capacity of <see cref="MqttClient.Messages"/>; when full the client stops reading the socket.</summary>
    public int IncomingQueueCapacity { get; set; } = 10_000;
    /// <summary>
    /// When true, QoS 1/2 messages are acknowledged only by <see cref="MqttClient.AcknowledgeAsync(ReadOnlyMemory{MqttMessage}, CancellationToken)"/>, so an
    /// application can acknowledge after it has stored the message durably.
    /// </summary>
    public bool ManualAcknowledgement { get; set; }

    /// <summary>
    /// When true, received payloads up to <see cref="PooledPayloadMaxBytes"/> are copied into arrays of a pool the client
    /// owns instead of a new array each (the one per-message allocation of the receive path); the application gives each
    /// back with <see cref="MqttMessage.ReturnPayload"/> once nothing reads it any more. A message not given back is
    /// collected like any array, so forgetting costs only the saving. Off by default: a payload then stays valid for ever.
    /// </summary>
    public bool PooledPayloads { get; set; }

    /// <summary>Largest payload <see cref="PooledPayloads"/> pools; larger ones get an array of their own.</summary>
    public const int PooledPayloadMaxBytes = 16 * 1024;

    /// <summary>
    /// Under load, how long the receive loop pauses after a read that found its data at once (waited less than this) and
    /// brought less than 4 KiB, so that the next read carries the messages that arrived meanwhile: fewer socket reads and
    /// thread wake-ups per message (issue 11). A read that had to wait (an idle connection's first message, the first
    /// after a quiet spell) is never followed by a pause, and the pause delays only the messages behind it, by at most
    /// this much. Keep-alive is unaffected (its timeouts are seconds). Zero (the default) turns it off: on a busy
    /// process the pause can last several times the delay (the timer's wake-up waits for a pool thread), which a
    /// latency-bound subscriber may not want; the gateway turns it on (Mqtt:ReceiveCoalesceDelay).
    /// </summary>
    public TimeSpan ReceiveCoalesceDelay { get; set; }

    public bool AutoReconnect { get; set; } = true;
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    public MqttTlsOptions? Tls { get; set; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) throw new ArgumentException("Host is required");
        if (Port is <= 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "must be 1..65535");
        if (KeepAlive < TimeSpan.Zero || KeepAlive.TotalSeconds > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(KeepAlive), KeepAlive, "must be 0..65535 s");
        if (MaximumPacketSize < 16) throw new ArgumentOutOfRangeException(nameof(MaximumPacketSize));
        if (MaxInflight is < 1 or > 65_000) throw new ArgumentOutOfRangeException(nameof(MaxInflight));
        if (ReceiveMaximum == 0) throw new ArgumentOutOfRangeException(nameof(ReceiveMaximum), "0 is not allowed (§3.1.2.11.3)");
        if (ReceiveCoalesceDelay < TimeSpan.Zero || ReceiveCoalesceDelay > TimeSpan.FromSeconds(1))
            throw new ArgumentOutOfRangeException(nameof(ReceiveCoalesceDelay), ReceiveCoalesceDelay, "must be 0..1 s");
        if (IncomingQueueCapacity < 1) throw new ArgumentOutOfRangeException(nameof(IncomingQueueCapacity));
        if (ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay)
            throw new ArgumentOutOfRangeException(nameof(ReconnectMinDelay), "need 0 < min <= max");
        MqttWire.ValidateOutgoing(ClientId, nameof(ClientId));
        if (ProtocolVersion == MqttProtocolVersion.V311 && ClientId.Length == 0 && !CleanStart)
            throw new ArgumentException("MQTT 3.1.1 needs a client id for a persistent session (§3.1.3.1)");
        if (ProtocolVersion == MqttProtocolVersion.V311 && Password is not null && Username is null)
            throw new ArgumentException("MQTT 3.1.1 allows a password only with a user name (§3.1.2.9)");
    }
}
