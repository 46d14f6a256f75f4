using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Rules.Shared;

/// <summary>Shared mode's log messages (event ids 1020-1029 of the rules' 1000-1099).</summary>
internal static partial class SharedLog
{
    [LoggerMessage(EventId = 1020, Level = LogLevel.Information,
        Message = "Rules partition {Partition} taken over by {Member} (epoch {Epoch}, from log position {Position})")]
    public static partial void TakenOver(ILogger logger, int partition, string member, long epoch, long position);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "Rules partition {Partition} handed over by {Member} ({Live} gateways live)")]
    public static partial void HandedOver(ILogger logger, int partition, string member, int live);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Warning,
        Message = "Shared rules: {Member} let go of its {Count} partitions after a failure; it joins again after a pause")]
    public static partial void Reset(ILogger logger, Exception exception, string member, int count);

    [LoggerMessage(EventId = 1023, Level = LogLevel.Debug, Message = "Shared rules: {Rows} evaluated log rows older than {Retention} deleted")]
    public static partial void Pruned(ILogger logger, int rows, TimeSpan retention);

    [LoggerMessage(EventId = 1024, Level = LogLevel.Information,
        Message = "Shared rules: {Member} joined, {Partitions} partitions, {Live} gateways live, holding {Held}")]
    public static partial void Balanced(ILogger logger, string member, int partitions, int live, int held);
}
