using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Alerts;

/// <summary>The alert sinks' log messages; event ids 1200-1299 are this room's range in the gateway.</summary>
internal static partial class Log
{
    // 1200 is retired (a full queue dropped its oldest notification; now it refuses the new one: 1217).

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Alert queue {Queue} is stopping: it refuses notifications")]
    public static partial void OutboxClosed(ILogger logger, string queue);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "Alert queue {Queue}: delivering a notification failed; it is dropped")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Webhook {Url}: attempt {Attempt} for alert {Id} failed ({Reason}); retrying in {Delay}")]
    public static partial void WebhookRetry(ILogger logger, string url, int attempt, string id, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Error, Message = "Webhook {Url} refused alert {Id} with HTTP {Status}: not retried")]
    public static partial void WebhookRefused(ILogger logger, string url, string id, int status);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "MQTT publish of {Topic} was refused by the broker: {Reason}")]
    public static partial void MqttRefused(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Error, Message = "InfluxDB refused or failed the alert point of {Id}: {Result}")]
    public static partial void InfluxNotWritten(ILogger logger, string id, string result);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Warning, Message = "Alert queue {Queue} did not stop within {Timeout}: its last delivery is abandoned")]
    public static partial void OutboxStopTimedOut(ILogger logger, string queue, TimeSpan timeout);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Debug, Message = "Tag config published on {Topic} from profile {Profile}: t_lo {Low}, t_hi {High}, t_delay_s {Delay}")]
    public static partial void ConfigPublished(ILogger logger, string topic, string profile, double low, double high, int delay);

    [LoggerMessage(EventId = 1209, Level = LogLevel.Error, Message = "Profile {Profile} of {Container} makes no tag config the tags accept ({Reason}): not published")]
    public static partial void ConfigUnmappable(ILogger logger, string profile, string container, string reason);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Warning, Message = "Alert queue {Queue} stopped with {Count} notifications undelivered and no spill file: they are lost")]
    public static partial void OutboxLost(ILogger logger, string queue, int count);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Warning, Message = "Alert queue {Queue} stopped with {Count} notifications undelivered: kept in {File} for the next start")]
    public static partial void OutboxSpilled(ILogger logger, string queue, int count, string file);


    [LoggerMessage(EventId = 1213, Level = LogLevel.Information, Message = "Alert queue {Queue}: {Count} notifications from the last stop queued again from {File}")]
    public static partial void OutboxRestored(ILogger logger, string queue, int count, string file);


    [LoggerMessage(EventId = 1215, Level = LogLevel.Warning, Message = "Alert queue {Queue}: {Count} unreadable line(s) of {File} skipped (a line torn by a crash was never queued)")]
    public static partial void OutboxJournalUnreadable(ILogger logger, string queue, int count, string file);

    // 1216 is retired (a journal that could not be written: notifications were queued in memory only; now 1218 and 1220).

    [LoggerMessage(EventId = 1217, Level = LogLevel.Warning,
        Message = "Alert queue {Queue} is full ({Capacity} waiting for delivery): it refuses new notifications until it has room (they stay owed by the rule store and come again)")]
    public static partial void OutboxFull(ILogger logger, string queue, int capacity);

    [LoggerMessage(EventId = 1218, Level = LogLevel.Error,
        Message = "Alert queue {Queue}: its journal {File} cannot be opened or written: it refuses notifications until it can (they stay owed by the rule store and come again)")]
    public static partial void OutboxJournalUnwritable(ILogger logger, Exception? exception, string queue, string file);

    [LoggerMessage(EventId = 1219, Level = LogLevel.Information, Message = "Alert queue {Queue} takes notifications again ({Refused} refused meanwhile)")]
    public static partial void OutboxTakingAgain(ILogger logger, string queue, long refused);

    [LoggerMessage(EventId = 1220, Level = LogLevel.Warning,
        Message = "Alert queue {Queue}: a delivery cannot be marked in its journal {File}; a restart may deliver it again (logged once until a mark succeeds)")]
    public static partial void OutboxMarkFailed(ILogger logger, Exception exception, string queue, string file);
}
