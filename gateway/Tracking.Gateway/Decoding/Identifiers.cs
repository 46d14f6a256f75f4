namespace Tracking.Gateway.Decoding;

/// <summary>Rules for the ids in topics (docs/protocol.md, "Identifiers").</summary>
public static class Identifiers
{
    public const int MaxLength = 64;

    /// <summary>Fleet and tag ids: <c>[A-Za-z0-9_-]{1,64}</c>.</summary>
    public static bool IsValidId(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > MaxLength) return false;
        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-')) return false;
        }

        return true;
    }

    /// <summary>
    /// ISO 6346 container number: owner code (3 letters), category (U, J or Z), 6-digit serial and check digit.
    /// The check digit is the weighted sum (weights 2^position) of the letter values (A=10, skipping multiples of
    /// 11) and digits, modulo 11, with 10 written as 0.
    /// </summary>
    public static bool IsValidContainerNumber(ReadOnlySpan<char> id)
    {
        if (id.Length != 11) return false;
        int sum = 0;
        for (int i = 0; i < 10; i++)
        {
            char c = id[i];
            int value;
            if (i < 4)
            {
                if (!char.IsAsciiLetterUpper(c)) return false;
                value = LetterValue(c);
            }
            else
            {
                if (!char.IsAsciiDigit(c)) return false;
                value = c - '0';
            }

            sum += value << i;
        }

        if (id[3] is not ('U' or 'J' or 'Z')) return false;
        if (!char.IsAsciiDigit(id[10])) return false;
        return sum % 11 % 10 == id[10] - '0';
    }

    private static int LetterValue(char c)
    {
        // A=10 ... values that are multiples of 11 (11, 22, 33) are skipped.
        int value = 10 + (c - 'A');
        value += (value - 1) / 10; // 10 -> 10, 11 -> 12 (skips 11), 21 -> 23 (skips 22), 31 -> 34 (skips 33)
        return value;
    }
}
