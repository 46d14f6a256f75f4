namespace Tracking.Gateway.Api.Live;

/// <summary>
/// Orders board entries by one field, then by fleet and container so that pages never overlap or skip. Missing values
/// (no reading, no battery) come last in both directions. One cached instance per order: sorting allocates nothing.
/// </summary>
internal sealed class EntryComparer : IComparer<BoardEntry>
{
    private static readonly EntryComparer[] Cache =
        [.. Enum.GetValues<ContainerSort>().SelectMany(s => new[] { new EntryComparer(s, false), new EntryComparer(s, true) })];

    private readonly ContainerSort _sort;
    private readonly bool _descending;

    private EntryComparer(ContainerSort sort, bool descending) => (_sort, _descending) = (sort, descending);

    public static EntryComparer For(ContainerSort sort, bool descending) => Cache[((int)sort * 2) + (descending ? 1 : 0)];

    public int Compare(BoardEntry? a, BoardEntry? b)
    {
        int c = _sort switch
        {
            ContainerSort.Fleet => string.CompareOrdinal(a!.Key.Fleet, b!.Key.Fleet),
            ContainerSort.State => ((int)a!.State).CompareTo((int)b!.State), // not Enum.CompareTo(object): it boxes, per comparison
            ContainerSort.LastSeen => Missing(a!.LastSeenMs == 0, b!.LastSeenMs == 0) ?? a.LastSeenMs.CompareTo(b.LastSeenMs),
            ContainerSort.TempC => Values(a!.HasReading ? a.Reading.TemperatureC : double.NaN, b!.HasReading ? b.Reading.TemperatureC : double.NaN),
            ContainerSort.BatteryV => Values(a!.MinBatteryV(), b!.MinBatteryV()),
            _ => 0,
        };
        if (c is int.MinValue or int.MaxValue) return c == int.MinValue ? -1 : 1; // a missing value: last whatever the direction
        if (_descending) c = -c;
        if (c != 0) return c;
        c = string.CompareOrdinal(a!.Key.Container, b!.Key.Container);
        return c != 0 ? c : string.CompareOrdinal(a.Key.Fleet, b.Key.Fleet);
    }

    private static int Values(double a, double b) => Missing(double.IsNaN(a), double.IsNaN(b)) ?? a.CompareTo(b);

    /// <summary>int.MaxValue when only a is missing (a after b), int.MinValue when only b is, 0 when both, null when neither.</summary>
    private static int? Missing(bool a, bool b) => (a, b) switch { (true, false) => int.MaxValue, (false, true) => int.MinValue, (true, true) => 0, _ => null };
}
