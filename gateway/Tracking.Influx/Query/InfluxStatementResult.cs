namespace Tracking.Influx.Query;

/// <summary>Series of one statement of a query.</summary>
public sealed record InfluxStatementResult(int StatementId, IReadOnlyList<InfluxSeries> Series);
