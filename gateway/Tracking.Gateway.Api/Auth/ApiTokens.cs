using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Tracking.Gateway.Api.Auth;

/// <summary>
/// The operator tokens of <see cref="ApiOptions.TokenFile"/>, read once at start (a changed file needs a restart). Kept
/// as SHA-256 digests: every comparison is of 32 bytes in constant time, so neither a token's content nor its length
/// shows in the response time. A line is <c>TOKEN</c> (every fleet) or <c>TOKEN fleet1,fleet2</c> (only those fleets).
/// </summary>
public sealed class ApiTokens
{
    private readonly (byte[] Digest, FleetScope Scope)[] _tokens;

    public ApiTokens(IOptions<ApiOptions> options)
    {
        TokenFile = options.Value.TokenFile;
        _tokens = TokenFile is null ? [] : [.. ParseEntries(File.ReadAllText(TokenFile)).Select(e => (Digest(e.Token), new FleetScope(e.Fleets)))];
        AnyScoped = _tokens.Any(t => !t.Scope.IsAll);
    }

    public string? TokenFile { get; }

    public int Count => _tokens.Length;

    /// <summary>
    /// Whether a token is limited to fleets. Then GETs need a token too: an open GET would show every fleet to anyone,
    /// which is what the scoped tokens are meant to prevent.
    /// </summary>
    public bool AnyScoped { get; }

    /// <summary>The tokens of a token file's text: the first word of each line, blank and # lines skipped.</summary>
    public static IReadOnlyList<string> Parse(string text) => [.. ParseEntries(text).Select(e => e.Token)];

    /// <summary>
    /// The lines of a token file: surrounding blanks trimmed, blank and # lines skipped; the token, then optionally
    /// blanks and a comma-separated fleet list. Fleet names are checked by <see cref="ApiOptionsValidator"/>.
    /// </summary>
    public static IReadOnlyList<TokenEntry> ParseEntries(string text)
    {
        List<TokenEntry> entries = [];
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int blank = line.IndexOfAny([' ', '\t']);
            if (blank < 0)
            {
                entries.Add(new TokenEntry(line, null));
                continue;
            }
            string[] fleets = line[blank..].Trim().Split(',', StringSplitOptions.TrimEntries);
            entries.Add(new TokenEntry(line[..blank], fleets));
        }
        return entries;
    }

    /// <summary>Whether <paramref name="token"/> is one of the tokens; looks at every one whatever the outcome.</summary>
    public bool Accepts(string token) => ScopeOf(token) is not null;

    /// <summary>The fleets <paramref name="token"/> may use, or null when it is not a token; looks at every one.</summary>
    public FleetScope? ScopeOf(string token)
    {
        byte[] digest = Digest(token);
        FleetScope? found = null;
        foreach ((byte[] known, FleetScope scope) in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(known, digest)) found = scope;
        }
        return found;
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
