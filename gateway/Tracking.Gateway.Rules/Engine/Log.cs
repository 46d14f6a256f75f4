using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Rules.Engine;

/// <summary>The rules' log messages; event ids 1000-1099 are the rules' range in the gateway.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Rules: loaded the state of {Count} containers")]
    public static partial void StatesLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Alert {Id} raised: {Key} ({Severity}, late by {Late})")]
    public static partial void AlertRaised(ILogger logger, long id, string key, string severity, TimeSpan late);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Alert {Id} resolved: {Key}")]
    public static partial void AlertResolved(ILogger logger, long id, string key);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Alert {Id} escalated to {Severity} (escalation {Count}): {Key}")]
    public static partial void AlertEscalated(ILogger logger, long id, string key, string severity, int count);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Alert {Id} acknowledged by {By}: {Key}")]
    public static partial void AlertAcknowledged(ILogger logger, long id, string key, string by);

    // Debug: redelivery is normal (at least once), and a replayed spool would repeat this for every old reading.
    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "{Container} {Tag}: reading boot {Boot} seq {Seq} is older than the rules' window and was not evaluated (a replay, or too late)")]
    public static partial void TooLate(ILogger logger, ContainerKey container, string tag, uint boot, uint seq);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Alert sink {Sink} failed on {Transition} of alert {Id}")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string sink, string transition, long id);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "{Container}: rule state unreadable or of another version; starting afresh")]
    public static partial void StateUnreadable(ILogger logger, Exception? exception, ContainerKey container);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "Rules timer: the silence and escalation check failed")]
    public static partial void TimerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "{Container}: profile {Profile} in force")]
    public static partial void ProfileInForce(ILogger logger, ContainerKey container, string profile);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "{Container}: excursion of {Band} from {Start} superseded by late data (one starting at {NewStart})")]
    public static partial void ExcursionSuperseded(ILogger logger, ContainerKey container, string band, DateTimeOffset start, DateTimeOffset newStart);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "{Container}: profile {Profile} not found; no band rules")]
    public static partial void ProfileMissing(ILogger logger, ContainerKey container, string profile);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "{Container} {Tag}: predictive warning for {Band}: alarm expected at {Alarm} (limit reached at {Breach}, {Slope} per hour over {Points} readings)")]
    public static partial void WarningIssued(ILogger logger, ContainerKey container, string tag, string band, DateTimeOffset alarm, DateTimeOffset breach, double slope, int points);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "{Container} {Tag}: predictive warning for {Band} ended: {Reason}")]
    public static partial void WarningEnded(ILogger logger, ContainerKey container, string tag, string band, string reason);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Error,
        Message = "Warning sink {Sink} failed on {Transition} of the predictive warning for {Band}; it stays owed and is handed to that sink again")]
    public static partial void WarningSinkFailed(ILogger logger, Exception exception, string sink, string transition, string band);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Information, Message = "{Container}: trips changed ({Trips} in all); its window is evaluated again")]
    public static partial void TripsChanged(ILogger logger, ContainerKey container, int trips);
}
