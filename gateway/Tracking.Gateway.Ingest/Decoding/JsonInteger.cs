namespace Tracking.Gateway.Ingest.Decoding;

/// <summary>
/// The exact value of a JSON number literal as an integer (protocol.md section 3: an integer is a number whose value is
/// whole), from its digits rather than through double or decimal, which round <c>1e-400</c> to 0 and
/// <c>120.00000000000000000000000000001</c> to 120. Allocates nothing and throws nothing.
/// </summary>
internal static class JsonInteger
{
    // A payload has at most 4096 bytes, so digit counts are small; exponents beyond this only decide "huge" or "fraction".
    private const int ExponentCap = 100_000;

    public enum Result
    {
        Whole,
        Fraction,
        TooLarge,
    }

    /// <param name="literal">A number in RFC 8259 grammar (checked by the JSON reader).</param>
    public static Result Parse(ReadOnlySpan<byte> literal, out long value)
    {
        value = 0;
        int i = 0;
        bool negative = literal.Length > 0 && literal[0] == '-';
        if (negative) i++;

        // Significant digits (integer and fraction part, leading zeros dropped) and the power of ten of the last one.
        int start = -1, end = -1;
        for (; i < literal.Length && literal[i] is (>= (byte)'0' and <= (byte)'9') or (byte)'.'; i++)
        {
            byte b = literal[i];
            if (b is not (byte)'.' and not (byte)'0')
            {
                if (start < 0) start = i;
                end = i;
            }
        }

        if (start < 0) return Result.Whole; // all zeros: 0, -0.0, 0e-400

        long exponent = 0;
        if (i < literal.Length && literal[i] is (byte)'e' or (byte)'E')
        {
            i++;
            bool expNegative = literal[i] == '-';
            if (literal[i] is (byte)'-' or (byte)'+') i++;
            for (; i < literal.Length; i++)
            {
                if (exponent < ExponentCap) exponent = exponent * 10 + (literal[i] - '0');
            }

            if (expNegative) exponent = -exponent;
        }

        // Value = digits[start..end] (the '.' skipped) × 10^scale, scale = the power of the last nonzero digit.
        int dot = literal.IndexOf((byte)'.');
        long scale;
        if (dot < 0 || end < dot)
        {
            // Last nonzero digit in the integer part: its power is the count of integer digits after it.
            int intEnd = dot < 0 ? IntegerEnd(literal) : dot;
            scale = intEnd - 1 - end + exponent;
        }
        else
        {
            scale = -(end - dot) + exponent;
        }

        if (scale < 0) return Result.Fraction;

        int significant = 0;
        for (int j = start; j <= end; j++) if (literal[j] != '.') significant++;
        if (significant + scale > 19) return Result.TooLarge;

        ulong magnitude = 0;
        for (int j = start; j <= end; j++)
        {
            if (literal[j] == '.') continue;
            magnitude = magnitude * 10 + (ulong)(literal[j] - '0');
        }

        for (long k = 0; k < scale; k++)
        {
            if (magnitude > ulong.MaxValue / 10) return Result.TooLarge;
            magnitude *= 10;
        }

        if (negative ? magnitude > (ulong)long.MaxValue + 1 : magnitude > long.MaxValue) return Result.TooLarge;
        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return Result.Whole;
    }

    private static int IntegerEnd(ReadOnlySpan<byte> literal)
    {
        int i = literal.Length > 0 && literal[0] == '-' ? 1 : 0;
        while (i < literal.Length && literal[i] is >= (byte)'0' and <= (byte)'9') i++;
        return i;
    }
}
