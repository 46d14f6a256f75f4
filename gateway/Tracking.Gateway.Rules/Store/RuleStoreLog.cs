using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Rules.Store;

/// <summary>The state store's log messages (event ids 1100-1199).</summary>
internal static partial class RuleStoreLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information,
        Message = "Rule store {Kind} at {Location} opened, schema version {Version}")]
    public static partial void Opened(ILogger logger, string kind, string location, int version);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "Rule store {Location}: migrated to schema version {Version} ({Description}) in {Milliseconds} ms")]
    public static partial void Migrated(ILogger logger, string location, int version, string description, long milliseconds);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning,
        Message = "Rule store {Location} is readable by other users (mode {Mode}); it holds alerts and profiles: chmod 600 it")]
    public static partial void FileTooOpen(ILogger logger, string location, string mode);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Rule store {Kind}: state kept in memory only, lost on restart")]
    public static partial void MemoryOnly(ILogger logger, string kind);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information,
        Message = "Rule store {Location}: changing its page size from {From} to {To} bytes, for cheaper state saves: rebuilding its {Pages} pages once")]
    public static partial void PageSizeChanging(ILogger logger, string location, long from, long to, long pages);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Information,
        Message = "Rule store {Location}: page size changed from {From} to {To} bytes in {Milliseconds} ms")]
    public static partial void PageSizeChanged(ILogger logger, string location, long from, long to, long milliseconds);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Warning,
        Message = "Rule store {Location}: page size kept at {From} bytes, not changed to {To} ({Reason}); state saves cost more CPU; it is tried again at the next start")]
    public static partial void PageSizeKept(ILogger logger, string location, long from, long to, string reason);
}
