using System.Text;

namespace Tracking.Testing.Contract;

/// <summary>Vector ids in failure messages: quoted, control and non-ASCII characters as \uXXXX.</summary>
internal static class Printable
{
    public static string Of(string s)
    {
        var b = new StringBuilder("\"");
        foreach (char c in s)
        {
            if (c is >= ' ' and <= '~') b.Append(c);
            else b.Append($"\\u{(int)c:x4}");
        }

        return b.Append('"').ToString();
    }
}
