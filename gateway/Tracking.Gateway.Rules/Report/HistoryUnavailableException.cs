namespace Tracking.Gateway.Rules.Report;

/// <summary>The time-series database could not answer (down, unreachable, refused the query): the API answers 503.</summary>
public sealed class HistoryUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
