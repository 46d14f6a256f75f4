namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>The writer stage, spool to InfluxDB (section "Writer").</summary>
public sealed class WriterOptions
{
    public const string SectionName = "Writer";

    /// <summary>Most lines per InfluxDB write.</summary>
    public int BatchLines { get; set; } = 5000;
    /// <summary>
    /// How long a batch may wait for more lines: under load (see <see cref="LoadLinesPerSecond"/>) while commits keep
    /// coming, at light load while a write is in flight. influxd's cost is mostly per request: at 18,000 single-reading
    /// messages/s, 200 ms batches took it 0.9 s of CPU per 100,000 points against 1.5 s with 50 ms batches (bench ingest).
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    /// <summary>
    /// Lines per second from which the writer is under load and batches for throughput (waits up to
    /// <see cref="MaxDelay"/> for <see cref="BatchLines"/>); below it, a batch goes as soon as no write is in flight, for
    /// latency. At 1,000 single-reading messages/s a reading is queryable in tens of ms; at 20,000/s influxd gets
    /// 5,000-line writes.
    /// </summary>
    public double LoadLinesPerSecond { get; set; } = DefaultLoadLinesPerSecond;

    public const double DefaultLoadLinesPerSecond = 5000;

    /// <summary>Most InfluxDB writes in flight at once (influxd parses concurrent writes on separate cores).</summary>
    public int Concurrency { get; set; } = 2;
    /// <summary>On SIGTERM: how long to keep writing the spool to InfluxDB before exiting (the rest stays spooled).</summary>
    public TimeSpan ShutdownFlushTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (BatchLines < 1) throw new ArgumentException($"Writer:BatchLines must be positive, not {BatchLines}");
        if (Concurrency < 1) throw new ArgumentException($"Writer:Concurrency must be positive, not {Concurrency}");
        if (MaxDelay < TimeSpan.Zero) throw new ArgumentException($"Writer:MaxDelay must not be negative, not {MaxDelay}");
        if (!(LoadLinesPerSecond >= 0)) throw new ArgumentException($"Writer:LoadLinesPerSecond must be a number of lines per second, 0 or more, not {LoadLinesPerSecond}");
        if (ShutdownFlushTimeout < TimeSpan.Zero) throw new ArgumentException($"Writer:ShutdownFlushTimeout must not be negative, not {ShutdownFlushTimeout}");
    }
}
