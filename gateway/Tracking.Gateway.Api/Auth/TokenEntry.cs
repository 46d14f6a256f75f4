namespace Tracking.Gateway.Api.Auth;

/// <summary>One line of the token file: the token and, when the line names them, the only fleets it may see and change.</summary>
public sealed record TokenEntry(string Token, IReadOnlyList<string>? Fleets);
