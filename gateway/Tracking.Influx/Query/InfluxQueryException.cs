namespace Tracking.Influx.Query;

/// <summary>The server refused the query or a statement failed.</summary>
public sealed class InfluxQueryException(string message, int? statusCode = null, int? statementId = null) : Exception(message)
{
    /// <summary>HTTP status when the request failed as a whole.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>The failing statement when the request succeeded but a statement did not.</summary>
    public int? StatementId { get; } = statementId;
}
