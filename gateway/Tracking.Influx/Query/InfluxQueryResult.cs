namespace Tracking.Influx.Query;

/// <summary>All statements of a query, in order.</summary>
public sealed record InfluxQueryResult(IReadOnlyList<InfluxStatementResult> Statements)
{
    /// <summary>Every series of every statement.</summary>
    public IEnumerable<InfluxSeries> Series => Statements.SelectMany(s => s.Series);
}
