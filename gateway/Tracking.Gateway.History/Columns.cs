using Tracking.Influx.Query;

namespace Tracking.Gateway.History;

/// <summary>
/// Typed cells of a query series by column, each name looked up once per series: absent columns and nulls read as NaN,
/// null, 0 or false. Read straight from the series' typed columns, without a box per cell.
/// </summary>
internal sealed class Columns(InfluxSeries series)
{
    public int this[string column] => series.ColumnIndex(column);

    public double Double(int row, int column) => series.Double(row, column);

    public long? Long(int row, int column) => series.Long(row, column);

    /// <summary>boot and seq are unsigned 32-bit (docs/protocol.md section 5.1); anything else reads as 0.</summary>
    public uint UInt(int row, int column) => Long(row, column) is { } l && l is >= 0 and <= uint.MaxValue ? (uint)l : 0;

    public bool Bool(int row, int column) => series.Bool(row, column) is true;

    public string? String(int row, int column) => series.String(row, column);
}
