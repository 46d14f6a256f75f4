using System.Text.RegularExpressions;

namespace Tracking.Gateway.Rules.Trips;

/// <summary>
/// The rules every store applies to a start or an end, so the three stores cannot differ: a container's trips follow one
/// another (a start after the latest trip's start and not before its end), an end after its trip's start.
/// </summary>
public static partial class TripRules
{
    /// <summary>Longest reference kept (a bill-of-lading or booking number is 10-20 characters).</summary>
    public const int MaxReferenceLength = 64;

    /// <summary>Letters, digits and <c>- _ . / #</c> and spaces inside: what booking and B/L numbers are made of, nothing to escape in CSV or HTML.</summary>
    public const string ReferencePattern = "^[A-Za-z0-9](?:[A-Za-z0-9 ._/#-]{0,62}[A-Za-z0-9._/#-])?$";

    [GeneratedRegex(ReferencePattern, RegexOptions.CultureInvariant)]
    private static partial Regex ReferenceRegex();

    /// <summary>Null when the reference is acceptable (null is: a trip needs none), else why not.</summary>
    public static string? CheckReference(string? reference)
    {
        if (reference is null) return null;
        if (reference.Length > MaxReferenceLength) return $"reference is {reference.Length} characters long, at most {MaxReferenceLength} are kept";
        return ReferenceRegex().IsMatch(reference)
            ? null
            : "reference must be letters, digits, space and - _ . / # (starting and ending with a letter, digit or symbol, not a space)";
    }

    /// <summary>Whether a trip may start at <paramref name="start"/> after <paramref name="latest"/> (the container's latest trip, or null).</summary>
    public static bool MayStart(Trip? latest, DateTimeOffset start) =>
        latest is null || (start > latest.Start && (latest.End is not { } end || start >= end));

    /// <summary>Whether <paramref name="open"/> may end at <paramref name="end"/>.</summary>
    public static bool MayEnd(Trip open, DateTimeOffset end) => end > open.Start;
}
