using System.Buffers.Text;
using System.Globalization;

namespace Tracking.Formatting;

/// <summary>
/// Writes a double as the shortest string that parses back to it ("R", invariant), with a fast path for values with at
/// most two decimals, nearly every sensor value (temperatures and pressures in hundredths): those are an integer and up
/// to two digits, which is what "R" gives for them too, at a fraction of its cost (in bench ingest the general formatter
/// was two thirds of the time spent encoding a reading's line). The one implementation of that rule in the gateway: InfluxDB's
/// line protocol (Tracking.Influx) and the live stream's readings (Tracking.Gateway.Api) write their doubles with it. Callers
/// write non-finite values their own way: the line protocol refuses them, JSON writes null.
/// </summary>
public static class FloatFormat
{
    // Below this the integer of hundredths has at most 11 digits: far inside the 15 significant digits every double
    // round-trips with, and far from where "R" switches to exponent notation (1E+15).
    private const double FastLimit = 1e9;

    /// <summary>The most bytes <see cref="Write"/> writes ("-1.7976931348623157E+308" is 24), with room to spare.</summary>
    public const int MaxBytes = 32;

    /// <summary>Writes <paramref name="value"/> (finite) into <paramref name="destination"/> (at least <see cref="MaxBytes"/>); returns the bytes written.</summary>
    public static int Write(double value, Span<byte> destination)
    {
        if (value != 0 && Math.Abs(value) < FastLimit)
        {
            double scaled = Math.Round(value * 100);
            // Exact when the double nearest to scaled/100 is the value itself: the decimal "scaled/100" then parses back
            // to the value, and no shorter decimal can (two decimals of at most 15 digits never share a double).
            if (scaled / 100 == value) return WriteHundredths((long)scaled, destination);
        }

        // Zero (its sign: "R" writes -0), more than two decimals, huge values.
        value.TryFormat(destination, out int written, "R", CultureInfo.InvariantCulture);
        return written;
    }

    private static int WriteHundredths(long hundredths, Span<byte> destination)
    {
        int at = 0;
        if (hundredths < 0)
        {
            destination[at++] = (byte)'-';
            hundredths = -hundredths;
        }

        long whole = Math.DivRem(hundredths, 100, out long fraction);
        Utf8Formatter.TryFormat(whole, destination[at..], out int digits);
        at += digits;
        if (fraction == 0) return at;
        destination[at++] = (byte)'.';
        destination[at++] = (byte)('0' + (fraction / 10));
        if (fraction % 10 != 0) destination[at++] = (byte)('0' + (fraction % 10));
        return at;
    }
}
