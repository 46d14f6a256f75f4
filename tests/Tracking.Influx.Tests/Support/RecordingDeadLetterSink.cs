using System.Collections.Concurrent;
using Tracking.Influx.Writing;

namespace Tracking.Influx.Tests.Support;

public sealed class RecordingDeadLetterSink : IDeadLetterSink
{
    public ConcurrentQueue<DeadLetter> Letters { get; } = new();

    public Exception? FailWith { get; set; }

    public ValueTask WriteAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken)
    {
        if (FailWith is not null)
        {
            throw FailWith;
        }

        foreach (DeadLetter letter in letters)
        {
            Letters.Enqueue(letter);
        }

        return ValueTask.CompletedTask;
    }
}
