namespace Tracking.Gateway.Ingest.Configuration;

/// <summary>A setting that cannot work (bad URL, unknown version, unparsable value): reported as one line, exit code 2.</summary>
public sealed class GatewayConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
