namespace Tracking.Testing;

/// <summary>Which broker an end-to-end test runs against.</summary>
public enum TestBrokerKind
{
    /// <summary>mosquitto 2.0 from Debian, a child process (scripts/servers installs it).</summary>
    Mosquitto,

    /// <summary>MQTTnet's server in this process: the simulated broker, no process and no install needed.</summary>
    MqttNet,
}
