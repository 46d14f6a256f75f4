namespace Tracking.Testing.EndToEnd;

/// <summary>
/// A manifest against what InfluxDB holds for its fleet: <see cref="Sent"/> readings acknowledged to the tags,
/// <see cref="Stored"/> distinct (tag, boot, seq) in the database, the ones <see cref="Missing"/>, stored without being in
/// the manifest (<see cref="Extra"/>), stored more than once (<see cref="Duplicated"/>: rows beyond the first of a key),
/// and stored with other values than sent (<see cref="Mismatched"/>); <see cref="Examples"/> describes the first few of each.
/// </summary>
public sealed record ReadingComparison(long Sent, long Stored, long Missing, long Extra, long Duplicated, long Mismatched, IReadOnlyList<string> Examples)
{
    public bool Exact => Missing == 0 && Extra == 0 && Duplicated == 0 && Mismatched == 0 && Sent == Stored;

    public override string ToString() =>
        $"sent {Sent}, stored {Stored}, missing {Missing}, extra {Extra}, duplicated {Duplicated}, mismatched {Mismatched}"
        + (Examples.Count == 0 ? "" : ":\n  " + string.Join("\n  ", Examples));
}
