using System.Collections.Concurrent;

namespace Tracking.Influx.Tests.Support;

/// <summary>
/// Plays influxd 1.x /write for lines the test marks as refused: like the real server it stores the good lines
/// of a request and answers 400 "partial write" naming the problem when any line is refused.
/// </summary>
public sealed class SimulatedInflux1(Func<string, bool> refuses)
{
    public ConcurrentDictionary<string, int> Stored { get; } = new();

    public CannedResponse Handle(RecordedRequest request)
    {
        int dropped = 0;
        string? firstBad = null;
        foreach (string line in request.Lines)
        {
            if (refuses(line))
            {
                dropped++;
                firstBad ??= line;
            }
            else
            {
                Stored.AddOrUpdate(line, 1, (_, n) => n + 1);
            }
        }

        return dropped == 0
            ? CannedResponse.NoContent
            : new CannedResponse(400, $$"""{"error":"partial write: field type conflict in '{{firstBad!.Split(' ')[0]}}' dropped={{dropped}}"}""");
    }
}
