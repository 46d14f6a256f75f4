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
}
