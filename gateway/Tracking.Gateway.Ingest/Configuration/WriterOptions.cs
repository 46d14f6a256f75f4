namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>The writer stage, spool to InfluxDB (section "Writer").</summary>
public sealed class WriterOptions
{
    public const string SectionName = "Writer";

    /// <summary>Most lines per InfluxDB write.</summary>
    public int BatchLines { get; set; } = 5000;
    /// <summary>
    /// How long a batch may collect lines while a write is in flight (an idle writer sends at once). Under load a batch
    /// normally closes earlier, when the write in flight returns; this caps the wait when InfluxDB is slow to answer.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Most InfluxDB writes in flight at once (influxd parses concurrent writes on separate cores).</summary>
    public int Concurrency { get; set; } = 2;
    /// <summary>On SIGTERM: how long to keep writing the spool to InfluxDB before exiting (the rest stays spooled).</summary>
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (BatchLines < 1) throw new ArgumentException($"Writer:BatchLines must be positive, not {BatchLines}");
        if (Concurrency < 1) throw new ArgumentException($"Writer:Concurrency must be positive, not {Concurrency}");
        if (MaxDelay < TimeSpan.Zero) throw new ArgumentException($"Writer:MaxDelay must not be negative, not {MaxDelay}");
        if (ShutdownFlushTimeout < TimeSpan.Zero) throw new ArgumentException($"Writer:ShutdownFlushTimeout must not be negative, not {ShutdownFlushTimeout}");
    }
}
