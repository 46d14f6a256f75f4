using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Api;

/// <summary>The API room's log messages; event ids 800-899 (gateway/Tracking.Gateway/README.md).</summary>
internal static partial class Log
{
    public const string Category = "Tracking.Gateway.Api";

    [LoggerMessage(EventId = 800, Level = LogLevel.Warning,
        Message = "No API token file (--api-token-file): the API's mutating calls (PUT, POST) are refused with 401; GETs are open")]
    public static partial void NoTokenFile(ILogger logger);

    [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "API tokens: {Count} read from {File}")]
    public static partial void TokensRead(ILogger logger, int count, string file);

    [LoggerMessage(EventId = 802, Level = LogLevel.Information, Message = "Profile {Profile} stored through the API")]
    public static partial void ProfileStored(ILogger logger, string profile);

    [LoggerMessage(EventId = 803, Level = LogLevel.Information, Message = "Profile {Profile} assigned to {Container} through the API")]
    public static partial void ProfileAssigned(ILogger logger, string profile, string container);

    [LoggerMessage(EventId = 804, Level = LogLevel.Error, Message = "Profile assignment listener {Listener} failed for {Container}")]
    public static partial void ListenerFailed(ILogger logger, Exception exception, string listener, string container);

    [LoggerMessage(EventId = 805, Level = LogLevel.Information, Message = "Profile {Profile} set as the default of fleet {Fleet} through the API")]
    public static partial void FleetDefaultAssigned(ILogger logger, string profile, string fleet);

    // The live view and stream (Live/): 870-879 (850 is the trip report's).
    [LoggerMessage(EventId = 870, Level = LogLevel.Warning, Message = "Readings query failed: the time-series database cannot answer: {Reason}")]
    public static partial void HistoryUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 871, Level = LogLevel.Debug, Message = "Stream opened after event {LastEventId}: {Replayed} events replayed, reset {Reset}")]
    public static partial void StreamOpened(ILogger logger, string lastEventId, int replayed, bool reset);

    [LoggerMessage(EventId = 872, Level = LogLevel.Warning, Message = "Stream client disconnected: {Reason}")]
    public static partial void StreamClientBehind(ILogger logger, string reason);

    [LoggerMessage(EventId = 873, Level = LogLevel.Information,
        Message = "Live view refilled: {Alerts} unresolved alerts, {Readings} latest readings and {Statuses} statuses of {Containers} containers")]
    public static partial void Refilled(ILogger logger, int alerts, int readings, int statuses, int containers);

    [LoggerMessage(EventId = 874, Level = LogLevel.Warning, Message = "Live view refill failed, retrying in {DelayS} s: {Reason}")]
    public static partial void RefillFailed(ILogger logger, double delayS, string reason);

    [LoggerMessage(EventId = 875, Level = LogLevel.Warning, Message = "Live view refresh of warnings and profiles failed: {Reason}")]
    public static partial void RefreshFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 876, Level = LogLevel.Warning, Message = "Air legs of {Container}: the time-series database cannot answer; 503: {Reason}")]
    public static partial void LegsUnavailable(ILogger logger, string container, string reason);

    // The dashboard (Dashboard/): 880-889 (870-875 are the live view's on main).
    [LoggerMessage(EventId = 880, Level = LogLevel.Warning,
        Message = "Dashboard not built (no index.html in {Directory}): / answers 503; run npm ci && npm run build in gateway/dashboard")]
    public static partial void DashboardNotBuilt(ILogger logger, string directory);

    [LoggerMessage(EventId = 881, Level = LogLevel.Information, Message = "Dashboard served at / from {Directory}")]
    public static partial void DashboardServed(ILogger logger, string directory);

    [LoggerMessage(EventId = 890, Level = LogLevel.Information, Message = "Trip {Trip} of {Container} started at {Start} through the API (ended trip {Ended}; 0: none)")]
    public static partial void TripStarted(ILogger logger, long trip, string container, DateTimeOffset start, long ended);

    [LoggerMessage(EventId = 891, Level = LogLevel.Information, Message = "Trip {Trip} of {Container} ended at {End} through the API")]
    public static partial void TripEnded(ILogger logger, long trip, string container, DateTimeOffset end);
}
