using Tracking.Influx.Writing;

namespace Tracking.Influx.Batching;

/// <summary>
/// Where a line added to <see cref="InfluxBatchWriter"/> went: the batch's completion (shared by all of its
/// lines, so no allocation per line) and the line's index in it.
/// </summary>
public readonly record struct BatchTicket(Task<WriteResult> Completion, int LineIndex, long ItemId)
{
    /// <summary>Waits for the batch and returns this line's outcome.</summary>
    public async Task<LineOutcome> GetOutcomeAsync() => (await Completion.ConfigureAwait(false)).Lines[LineIndex];
}

/// <summary>Writes exactly one line for <paramref name="state"/> with <see cref="LineProtocol.LineProtocolBuffer.BeginLine"/>.</summary>
public delegate void LineEncoder<in TState>(LineProtocol.LineProtocolBuffer buffer, TState state);
