namespace Tracking.Influx.Query;

/// <summary>The property names of a <c>/query</c> response that <see cref="QueryResponseReader"/> reads; any other is skipped.</summary>
internal enum ResponseKey
{
    /// <summary>No more properties: the object ended.</summary>
    End,
    Other,
    Error,
    Results,
    StatementId,
    Series,
    Name,
    Tags,
    Columns,
    Values,
}
