namespace Tracking.Security.Tests;

/// <summary>What a deploy/ script printed and returned.</summary>
public sealed record ScriptResult(int ExitCode, string Stdout, string Stderr);
