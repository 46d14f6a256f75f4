namespace Tracking.Testing;

/// <summary>How <see cref="MosquittoServer"/> configures its private broker.</summary>
public sealed class MosquittoOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Keep sessions and retained messages in DataDirectory/mosquitto.db (saved on SIGTERM, not on SIGKILL).</summary>
    public bool Persistence { get; init; } = true;

    /// <summary>Username → password. When set, anonymous clients are refused and a password file is made with mosquitto_passwd.</summary>
    public IReadOnlyDictionary<string, string>? Users { get; init; }

    /// <summary>When set, a second listener on <see cref="MosquittoServer.TlsPort"/> speaks MQTT over TLS with these files.</summary>
    public MosquittoTls? Tls { get; init; }

    /// <summary>Raw lines appended to mosquitto.conf, e.g. "max_inflight_messages 100".</summary>
    public IReadOnlyList<string> ExtraConfig { get; init; } = [];
}
