namespace Tracking.Influx.Query;

/// <summary>What a cell of a query result holds (JSON's types as InfluxDB uses them).</summary>
public enum InfluxCellKind : byte
{
    /// <summary>null, or no cell (a row shorter than the others).</summary>
    Null,

    /// <summary>An integral number that fits 64 bits: integer fields, counts, and times with <c>epoch</c>.</summary>
    Long,

    /// <summary>Any other number (a float field of integral value comes back as 55, a <see cref="Long"/>).</summary>
    Double,

    String,

    Bool,
}
