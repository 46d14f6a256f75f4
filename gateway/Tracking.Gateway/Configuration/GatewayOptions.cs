namespace Tracking.Gateway.Configuration;

/// <summary>MQTT side of the gateway (section "Mqtt").</summary>
public sealed class MqttSettings
{
    public const string SectionName = "Mqtt";

    /// <summary><c>mqtt://host:port</c> (1883 when no port is given).</summary>
    public string Url { get; set; } = "mqtt://127.0.0.1:1883";
    public string ClientId { get; set; } = "tracking-gateway";
    /// <summary>Shared-subscription group: gateways of one group split the tags' messages between them.</summary>
    public string SharedGroup { get; set; } = "tracking-gateway";
    /// <summary>How long the broker keeps our session (and queues messages for us) while we are away.</summary>
    public uint SessionExpirySeconds { get; set; } = 24 * 3600;
    public string? Username { get; set; }
    public string? Password { get; set; }
    public int KeepAliveSeconds { get; set; } = 30;

    public (string Host, int Port) ParseUrl()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out Uri? uri) || uri.Scheme != "mqtt" || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"Mqtt:Url must look like mqtt://host:port, not '{Url}'");
        }

        return (uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? 1883 : uri.Port);
    }
}

/// <summary>Ingest pipeline settings (section "Ingest").</summary>
public sealed class IngestSettings
{
    public const string SectionName = "Ingest";

    /// <summary>Container ids must be ISO 6346 numbers with a valid check digit; false accepts any [A-Za-z0-9_-]{1,64}.</summary>
    public bool StrictContainerIds { get; set; } = true;
    public int DedupeMaxTags { get; set; } = 100_000;
    public int DedupeWindowPerTag { get; set; } = 256;
    /// <summary>Most lines per InfluxDB write.</summary>
    public int WriteBatchLines { get; set; } = 5000;
    /// <summary>
    /// How long a write batch may wait for more lines while messages keep coming (the latency this adds at most).
    /// influxd's cost is mostly per request: at 18,000 single-reading messages/s, 200 ms batches took it 0.9 s of CPU
    /// per 100,000 points against 1.5 s with 50 ms batches (bench ingest). Telegraf's default is 10 s.
    /// </summary>
    public TimeSpan WriteMaxDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Most InfluxDB writes in flight at once (influxd parses concurrent writes on separate cores).</summary>
    public int WriteConcurrency { get; set; } = 2;
    /// <summary>On SIGTERM: how long to keep writing the spool to InfluxDB before exiting (the rest stays spooled).</summary>
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan SummaryInterval { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>How often the gateway's own counters go to the <c>gateway</c> measurement; zero turns that off.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(10);
}
