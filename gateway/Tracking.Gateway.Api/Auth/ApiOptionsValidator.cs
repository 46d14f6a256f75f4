using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Rules;

namespace Tracking.Gateway.Api.Auth;

/// <summary>
/// A token file that is named but missing, unreadable or empty stops the start with one message: an operator who
/// configured tokens meant the API to accept them, and silently refusing every call would hide the mistake.
/// </summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    /// <summary>Shorter tokens are guessable; 16 characters of a random base64 string is about 96 bits.</summary>
    public const int MinTokenLength = 16;

    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        if (options.TokenFile is not { } file) return ValidateOptionsResult.Success;
        IReadOnlyList<TokenEntry> entries;
        try
        {
            entries = ApiTokens.ParseEntries(File.ReadAllText(file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ValidateOptionsResult.Fail($"Api:TokenFile '{file}' cannot be read: {ex.Message}");
        }
        IReadOnlyList<string> tokens = [.. entries.Select(e => e.Token)];
        if (tokens.Count == 0) return ValidateOptionsResult.Fail($"Api:TokenFile '{file}' holds no token");
        if (tokens.Any(t => t.Length < MinTokenLength))
        {
            return ValidateOptionsResult.Fail($"Api:TokenFile '{file}' holds a token shorter than {MinTokenLength} characters");
        }
        // A misspelt fleet list must stop the start: read as no fleets it would lock the operator out, read as a token
        // it would change the token.
        if (entries.FirstOrDefault(e => e.Fleets is { } f && (f.Count == 0 || !f.All(Names.IsValidId))) is { } bad)
        {
            return ValidateOptionsResult.Fail(
                $"Api:TokenFile '{file}' has a fleet list that is not comma-separated fleet ids of 1 to 64 [A-Za-z0-9_-]: '{string.Join(",", bad.Fleets!)}'");
        }
        return ValidateOptionsResult.Success;
    }
}
