namespace Tracking.Influx;

/// <summary>Request body compression.</summary>
public enum InfluxCompression
{
    /// <summary>
    /// Gzip unless the server is on a loopback address: on a remote link gzip shrinks line protocol about tenfold,
    /// on loopback there is no bandwidth to save and both ends would only spend CPU (measured with bench ingest:
    /// compressing and decompressing took a sixth of the gateway's and influxd's time on a shared 2-core host).
    /// </summary>
    Auto,

    /// <summary>Always gzip (bodies of at least <see cref="InfluxOptions.GzipMinimumBytes"/>).</summary>
    Gzip,

    /// <summary>Never compress.</summary>
    None,
}
