namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>MQTT side of the gateway (section "Mqtt").</summary>
public sealed class MqttOptions
{
    public const string SectionName = "Mqtt";

    /// <summary>
    /// <c>mqtt://host:port</c> (1883 when no port is given) or <c>mqtts://host:port</c> for TLS (8883). A user name may
    /// stand in the URL (<c>mqtts://gw@host</c>); a password may not (<see cref="PasswordFile"/>).
    /// </summary>
    public string Url { get; set; } = "mqtt://127.0.0.1:1883";
    public string ClientId { get; set; } = "tracking-gateway";
    /// <summary>
    /// Shared-subscription group: gateways of one group split the tags' messages between them. Empty: plain subscriptions
    /// (one gateway), which mosquitto 2.0 keeps across its restarts; it forgets shared ones until the gateway subscribes
    /// again, and drops what the tags publish meanwhile (the chaos suite's mosquitto-restart scenario, docs/reliability.md).
    /// </summary>
    public string SharedGroup { get; set; } = "tracking-gateway";
    /// <summary>How long the broker keeps our session (and queues messages for us) while we are away.</summary>
    public uint SessionExpirySeconds { get; set; } = 24 * 3600;
    public string? Username { get; set; }
    /// <summary>Kept for old settings files and TRACKING_MQTT__PASSWORD; <see cref="PasswordFile"/> keeps it out of both.</summary>
    public string? Password { get; set; }
    /// <summary>File holding the password (one trailing newline is dropped).</summary>
    public string? PasswordFile { get; set; }
    /// <summary>PEM file of the CA certificate(s) the broker's certificate must chain to; the system store when unset (mqtts only).</summary>
    public string? CaFile { get; set; }
    /// <summary>PEM client certificate for brokers that ask for one (mqtts only); needs <see cref="KeyFile"/>.</summary>
    public string? CertFile { get; set; }
    /// <summary>PEM private key (unencrypted PKCS#8, PKCS#1 or SEC1) of <see cref="CertFile"/>.</summary>
    public string? KeyFile { get; set; }
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>
    /// Taking over a dead member of <see cref="SharedGroup"/> (Ingest README "Scale-out"): every gateway announces itself
    /// retained on <c>tracking/gateways/{group}/{client id}</c> (its will says offline), and when a member has been offline
    /// for <see cref="TakeoverAfter"/> one survivor connects with the member's client id and drains what mosquitto 2.0
    /// queued for its persistent session into its own spool. Off (the default, one gateway): a dead member's share waits
    /// until it returns. Turn it on in every gateway of a group of two or more.
    /// </summary>
    public bool Takeover { get; set; }

    /// <summary>
    /// How long a member may be offline before a survivor takes its queue over: longer than a restart takes (the restarted
    /// member picks its queue up itself), short enough that its share of the readings is not late for long.
    /// </summary>
    public TimeSpan TakeoverAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A takeover's queue is taken as drained when nothing more arrives for this long after the last acknowledgement.</summary>
    public TimeSpan TakeoverQuiet { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Room above the largest valid payload for the longest topic, the packet header and MQTT 5 properties.</summary>
    public const int PacketOverheadBytes = 1024;

    /// <summary>
    /// Largest packet the gateway takes (MQTT 5 Maximum Packet Size, 3.1.2.11.4). A payload above
    /// <see cref="Decoding.SensorLimits.MaxPayloadBytes"/> that still fits is dead-lettered as payload_too_large; a packet
    /// above this is discarded by the broker before it reaches the gateway (5.0 section 3.1.2.11.4: "the Server MUST NOT
    /// send packets exceeding Maximum Packet Size"), so junk cannot make the gateway buffer what it would only refuse.
    /// </summary>
    public int MaxPacketBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Under load, the pause after a small socket read that found its data at once, so that the next read carries more
    /// messages (fewer reads and thread wake-ups per message, issue 11; <see cref="Tracking.Mqtt.MqttClientOptions.ReceiveCoalesceDelay"/>).
    /// A quiet connection's messages are never delayed; under load a message waits at most about this much more. Zero turns it off.
    /// </summary>
    public TimeSpan ReceiveCoalesceDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Longest <see cref="ReceiveCoalesceDelay"/>: longer pauses only add latency (reads of 4 KiB no longer pause anyway).</summary>
    public static readonly TimeSpan MaxReceiveCoalesceDelay = TimeSpan.FromMilliseconds(100);

    public void Validate()
    {
        const int min = Decoding.SensorLimits.MaxPayloadBytes + PacketOverheadBytes;
        // 268,435,455 is the largest Remaining Length (1.5.5), plus at most 5 bytes of fixed header.
        const int max = 268_435_455 + 5;
        if (MaxPacketBytes < min || MaxPacketBytes > max)
        {
            throw new ArgumentException($"Mqtt:MaxPacketBytes must be {min}..{max} (a valid payload of {Decoding.SensorLimits.MaxPayloadBytes} bytes and its topic must fit), not {MaxPacketBytes}");
        }

        if (SharedGroup.AsSpan().IndexOfAny("/+#") >= 0)
        {
            // MQTT 5.0 section 4.8.2: a ShareName must not contain "/", "+" or "#"
            throw new ArgumentException($"Mqtt:SharedGroup must not contain '/', '+' or '#', not '{SharedGroup}'");
        }

        if (KeepAliveSeconds is < 0 or > ushort.MaxValue)
        {
            throw new ArgumentException($"Mqtt:KeepAliveSeconds must be 0..{ushort.MaxValue}, not {KeepAliveSeconds}");
        }

        if (TakeoverAfter <= TimeSpan.Zero || TakeoverAfter > TimeSpan.FromSeconds(SessionExpirySeconds))
        {
            // A member whose session expired has no queue left to take over.
            throw new ArgumentException($"Mqtt:TakeoverAfter must be positive and at most Mqtt:SessionExpirySeconds, not {TakeoverAfter}");
        }

        if (ReceiveCoalesceDelay < TimeSpan.Zero || ReceiveCoalesceDelay > MaxReceiveCoalesceDelay)
        {
            throw new ArgumentException($"Mqtt:ReceiveCoalesceDelay must be 00:00:00 (off) .. {MaxReceiveCoalesceDelay:c}, not {ReceiveCoalesceDelay}");
        }

        if (TakeoverQuiet <= TimeSpan.Zero || TakeoverQuiet > TimeSpan.FromMinutes(5))
        {
            throw new ArgumentException($"Mqtt:TakeoverQuiet must be positive and at most 00:05:00, not {TakeoverQuiet}");
        }

        if (Takeover && SharedGroup.Length == 0)
        {
            throw new ArgumentException("Mqtt:Takeover needs a Mqtt:SharedGroup: without one there is no group to take a member's share over in");
        }

        if (Takeover && ClientId.AsSpan().IndexOfAny("/+#") >= 0)
        {
            // The client id is a level of the status topic.
            throw new ArgumentException($"Mqtt:ClientId must not contain '/', '+' or '#' with Mqtt:Takeover on, not '{ClientId}'");
        }
    }

    public (string Host, int Port) ParseUrl()
    {
        BrokerAddress address = BrokerAddress.Parse(Url);
        return (address.Host, address.Port);
    }
}
