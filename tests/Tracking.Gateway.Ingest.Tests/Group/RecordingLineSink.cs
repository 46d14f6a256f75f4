using System.Text;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Writing;

namespace Tracking.Gateway.Ingest.Tests.Group;

/// <summary>
/// InfluxDB up: keeps every line written (as text, in order, repeats included). With <see cref="HoldAfter"/> set, a write
/// that starts once that many lines were taken never returns (until cancelled): a survivor stuck mid-drain.
/// </summary>
public sealed class RecordingLineSink : ILineSink
{
    private readonly List<string> _lines = [];

    public int? HoldAfter { get; init; }

    public IReadOnlyList<string> Lines { get { lock (_lines) return [.. _lines]; } }

    public LineProtocolBuffer CreateBuffer() => new();

    public async Task<WriteResult> WriteAsync(LineProtocolBuffer lines, CancellationToken ct)
    {
        bool hold;
        lock (_lines)
        {
            hold = HoldAfter is { } after && _lines.Count >= after;
            if (!hold)
            {
                for (int i = 0; i < lines.LineCount; i++) _lines.Add(Encoding.UTF8.GetString(lines.GetLine(i)));
            }
        }

        if (hold) await Task.Delay(Timeout.Infinite, ct);
        return new WriteResult([.. Enumerable.Range(0, lines.LineCount)
            .Select(i => new LineOutcome(i, lines.GetItemId(i), LineWriteStatus.Written, null))]);
    }
}
