using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Tracking.Gateway.Api.Auth;

/// <summary>
/// The operator tokens of <see cref="ApiOptions.TokenFile"/>, read once at start (a changed file needs a restart). Kept
/// as SHA-256 digests: every comparison is of 32 bytes in constant time, so neither a token's content nor its length
/// shows in the response time.
/// </summary>
public sealed class ApiTokens
{
    private readonly byte[][] _digests;

    public ApiTokens(IOptions<ApiOptions> options)
    {
        TokenFile = options.Value.TokenFile;
        _digests = TokenFile is null ? [] : [.. Parse(File.ReadAllText(TokenFile)).Select(Digest)];
    }

    public string? TokenFile { get; }

    public int Count => _digests.Length;

    /// <summary>The tokens of a token file's text: one per line, surrounding blanks trimmed, blank and # lines skipped.</summary>
    public static IReadOnlyList<string> Parse(string text) =>
        [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    /// <summary>Whether <paramref name="token"/> is one of the tokens; looks at every one whatever the outcome.</summary>
    public bool Accepts(string token)
    {
        byte[] digest = Digest(token);
        bool found = false;
        foreach (byte[] known in _digests) found |= CryptographicOperations.FixedTimeEquals(known, digest);
        return found;
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
