namespace Tracking.Influx.Writing;

/// <summary>What happened to one line of a write.</summary>
/// <param name="Index">Position of the line in the written buffer.</param>
/// <param name="ItemId">The caller's id given to <c>BeginLine</c>.</param>
/// <param name="Error">Server's message for <see cref="LineWriteStatus.Rejected"/>, last error for <see cref="LineWriteStatus.Failed"/>.</param>
public readonly record struct LineOutcome(int Index, long ItemId, LineWriteStatus Status, string? Error);
