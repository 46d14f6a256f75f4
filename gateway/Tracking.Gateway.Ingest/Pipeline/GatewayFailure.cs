namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>Why the pipeline stopped for good: the exit code and the one line the process prints.</summary>
public sealed record GatewayFailure(int ExitCode, string Message);
