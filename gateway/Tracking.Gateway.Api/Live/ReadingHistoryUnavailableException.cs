namespace Tracking.Gateway.Api.Live;

/// <summary>The time-series database could not answer (down, refused, timed out); the API answers 503.</summary>
public sealed class ReadingHistoryUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
