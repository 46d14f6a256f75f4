namespace Tracking.Testing;

/// <summary>A TLS listener for <see cref="MosquittoServer"/>, next to its plain one (which the readiness probe uses).</summary>
public sealed class MosquittoTls
{
    /// <summary>PEM CA file mosquitto checks client certificates against.</summary>
    public required string CaFile { get; init; }

    /// <summary>PEM server certificate and its key.</summary>
    public required string CertFile { get; init; }

    public required string KeyFile { get; init; }

    /// <summary>Refuse clients without a certificate signed by <see cref="CaFile"/>.</summary>
    public bool RequireClientCertificate { get; init; }
}
