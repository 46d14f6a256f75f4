using System.Text.RegularExpressions;

namespace Tracking.Gateway.Api.Rules;

/// <summary>
/// Fleet and container ids as docs/protocol.md section 2 allows them in topics: 1 to 64 of <c>[A-Za-z0-9_-]</c>. Checked
/// before any store call, so an id from a URL never reaches a query or a log line unchecked.
/// </summary>
internal static partial class Names
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);
}
