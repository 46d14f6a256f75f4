namespace Tracking.Testing;

/// <summary>An MQTT broker a test runs against: mosquitto (a process) or MQTTnet's server (in this process).</summary>
public interface ITestBroker : IAsyncDisposable
{
    string Host { get; }

    int Port { get; }

    /// <summary>Stops listening and drops every connection, as a broker restart does.</summary>
    Task StopAsync();

    /// <summary>Listens again on the same port and waits until it answers.</summary>
    Task StartAgainAsync(CancellationToken ct = default);
}
