namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>The end-to-end tests against mosquitto 2.0, the broker the project deploys.</summary>
public sealed class GatewayEndToEndOnMosquittoTests : GatewayEndToEndTests
{
}
