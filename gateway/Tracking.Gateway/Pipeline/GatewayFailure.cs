namespace Tracking.Gateway.Pipeline;

/// <summary>Why the pipeline stopped for good: the exit code and the one line the process prints.</summary>
public sealed record GatewayFailure(int ExitCode, string Message);
