namespace Tracking.Gateway.Ingest;

/// <summary>
/// The process exit codes, documented in --help: a supervisor with <c>Restart=on-failure</c> restarts on every one but
/// <see cref="Normal"/>, and an operator can tell a mistake of theirs (2, 3, 4) from a gateway bug (1).
/// </summary>
public static class ExitCodes
{
    /// <summary>Stopped on request (SIGTERM, Ctrl+C), or --help / --print-config.</summary>
    public const int Normal = 0;

    /// <summary>An unexpected error stopped the gateway (a bug): the log has the stack trace.</summary>
    public const int Crash = 1;

    /// <summary>A flag, variable or settings file is invalid.</summary>
    public const int Configuration = 2;

    /// <summary>The spool directory cannot be used (missing permission, read-only file system, not a directory).</summary>
    public const int Storage = 3;

    /// <summary>The health and metrics listener cannot listen (address in use, not allowed).</summary>
    public const int Listener = 4;
}
