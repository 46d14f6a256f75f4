namespace Tracking.Gateway.Api.Auth;

/// <summary>The "Api" settings section.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>
    /// File of operator tokens (<c>--api-token-file</c>), one per line; blank lines and <c># comments</c> are ignored.
    /// Null: no token is accepted, so every mutating call is refused (the API is never open by default).
    /// </summary>
    public string? TokenFile { get; set; }
}
