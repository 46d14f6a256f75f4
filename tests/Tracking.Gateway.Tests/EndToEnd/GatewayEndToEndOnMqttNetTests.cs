using Tracking.Testing;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// The end-to-end tests against MQTTnet's server in this process: a second, independent broker (no shared
/// subscriptions, in-memory sessions), and no broker process needed.
/// </summary>
public sealed class GatewayEndToEndOnMqttNetTests : GatewayEndToEndTests
{
    protected override TestBrokerKind BrokerKind => TestBrokerKind.MqttNet;
}
