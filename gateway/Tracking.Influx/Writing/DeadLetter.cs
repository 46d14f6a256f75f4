namespace Tracking.Influx.Writing;

/// <summary>A line InfluxDB refused, with the server's reason.</summary>
/// <param name="Line">The line-protocol text, without its newline.</param>
public sealed record DeadLetter(long ItemId, string Line, int StatusCode, string Error, DateTimeOffset RejectedAt);
