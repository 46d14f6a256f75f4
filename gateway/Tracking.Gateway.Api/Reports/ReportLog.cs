using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Api.Reports;

/// <summary>The trip report's log messages: event ids 850-859 of the API's 800-899 (kept apart from the rules API's).</summary>
internal static partial class ReportLog
{
    [LoggerMessage(EventId = 850, Level = LogLevel.Warning, Message = "Trip report of {Container}: the time-series database cannot answer; 503")]
    public static partial void HistoryFailed(ILogger logger, Exception exception, string container);
}
