using System.Text;

namespace Tracking.Influx.Tests.Support;

/// <summary>Random strings built from the characters that break naive line-protocol encoders.</summary>
public static class HostileStrings
{
    private static readonly string[] Pieces =
    [
        "a", "Z", "0", "_", "-", ".", " ", ",", "=", "\"", "'", "\\", "\n", "\r", "\t", "#", "é", "中", "🚢", "\u00a0",
        "\u2028", "\u0085", "\u007f", "\u0000", "time", "\\ ", "\\,", "\\=", "\\\"", "\\\\",
    ];

    public static string Next(Random random, bool allowLoneSurrogate = true)
    {
        int length = random.Next(0, 9);
        var sb = new StringBuilder();
        for (int i = 0; i < length; i++)
        {
            int pick = random.Next(Pieces.Length + (allowLoneSurrogate ? 1 : 0));
            sb.Append(pick == Pieces.Length ? "\ud83d" : Pieces[pick]);
        }

        return sb.ToString();
    }

    /// <summary>A random hostile string that the encoder must accept for an identifier (no backslash, no
    /// control characters, not empty, no lone surrogate), used to check that accepted values survive intact.</summary>
    public static string NextEncodableIdentifier(Random random)
    {
        while (true)
        {
            string s = Next(random, allowLoneSurrogate: false);
            if (s.Length > 0 && !s.Contains('\\') && !s.Any(char.IsControl) && !s.StartsWith('#') && s is not ("time" or "_field" or "_measurement"))
            {
                return s;
            }
        }
    }

    public static bool HasLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }

    public static bool HasC0OrDel(string s) => s.Any(c => c < 0x20 || c == 0x7f);
}
