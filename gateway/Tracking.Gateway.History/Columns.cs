using System.Globalization;
using Tracking.Influx.Query;

namespace Tracking.Gateway.History;

/// <summary>Typed cells of a query series by column name: absent columns and nulls read as NaN, 0, false or null.</summary>
internal sealed class Columns(InfluxSeries series)
{
    private readonly Dictionary<string, int> _index = series.Columns.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);

    public double Double(object?[] row, string column) => Cell(row, column) switch
    {
        double d => d,
        long l => l, // a float field of integral value comes back as 55, not 55.0
        _ => double.NaN,
    };

    public long? Long(object?[] row, string column) => Cell(row, column) switch
    {
        long l => l,
        double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
        _ => null,
    };

    /// <summary>boot and seq are unsigned 32-bit (docs/protocol.md section 5.1); anything else reads as 0.</summary>
    public uint UInt(object?[] row, string column) => Long(row, column) is { } l && l is >= 0 and <= uint.MaxValue ? (uint)l : 0;

    public bool Bool(object?[] row, string column) => Cell(row, column) is true;

    public string? String(object?[] row, string column) => Cell(row, column) switch
    {
        string s => s,
        null => null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    private object? Cell(object?[] row, string column) => _index.TryGetValue(column, out int i) && i < row.Length ? row[i] : null;
}
