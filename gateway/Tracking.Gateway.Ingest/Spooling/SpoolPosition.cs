namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>A place in the spool: segment number and byte offset inside it. Ordered.</summary>
public readonly record struct SpoolPosition(long Segment, long Offset) : IComparable<SpoolPosition>
{
    public int CompareTo(SpoolPosition other) =>
        Segment != other.Segment ? Segment.CompareTo(other.Segment) : Offset.CompareTo(other.Offset);

    public static bool operator <(SpoolPosition a, SpoolPosition b) => a.CompareTo(b) < 0;
    public static bool operator >(SpoolPosition a, SpoolPosition b) => a.CompareTo(b) > 0;
    public static bool operator <=(SpoolPosition a, SpoolPosition b) => a.CompareTo(b) <= 0;
    public static bool operator >=(SpoolPosition a, SpoolPosition b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Segment}:{Offset}";
}
