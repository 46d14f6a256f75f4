using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Rules.Notifications;

/// <summary>The alert dispatcher's log messages (rules range, 1030-1039).</summary>
internal static partial class DispatchLog
{
    [LoggerMessage(EventId = 1030, Level = LogLevel.Information,
        Message = "Rules: {Count} alert notifications owed from before (a crash or a failed delivery) delivered")]
    public static partial void OwedDelivered(ILogger logger, int count);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Warning,
        Message = "Rules: delivering owed alert notifications failed; they stay owed and are delivered at the next change or timer tick")]
    public static partial void DispatchFailed(ILogger logger, Exception exception);
}
