using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Rules.Notifications;

/// <summary>The dispatcher's log messages (rules range, 1030-1039): alert changes and predictive warnings alike.</summary>
internal static partial class DispatchLog
{
    [LoggerMessage(EventId = 1030, Level = LogLevel.Information,
        Message = "Rules: {Count} notifications owed from before (a crash or a failed delivery) delivered")]
    public static partial void OwedDelivered(ILogger logger, int count);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Warning,
        Message = "Rules: delivering owed notifications failed; they stay owed and are delivered at the next change or timer tick")]
    public static partial void DispatchFailed(ILogger logger, Exception exception);
}
