namespace Tracking.Gateway.Ingest.Pipeline;

/// <summary>The spool directory could not be opened: an operator's problem to fix, so no stack trace (exit code 3).</summary>
public sealed class SpoolUnusableException(string message, Exception inner) : Exception(message, inner);
