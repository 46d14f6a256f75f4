using System.Text;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Testing;

namespace Tracking.Gateway.Api.Tests.Support;

/// <summary>
/// A subscription of the hub read as the stream endpoint sends it, without HTTP: first its <c>names</c> events, then its
/// replay and queue, each event's frame decoded in order by one <see cref="StreamReadings"/>, as a client does.
/// </summary>
internal sealed class HubClient
{
    private readonly StreamSubscription _subscription;

    public HubClient(StreamSubscription subscription)
    {
        _subscription = subscription;
        foreach (NamesSnapshot names in subscription.Names) Decoder.Names(Encoding.UTF8.GetString(names.ToJson()));
    }

    public StreamReadings Decoder { get; } = new();

    /// <summary>The readings of <paramref name="e"/>, the next event this client is sent (of its replay or its queue).</summary>
    public IReadOnlyList<StreamReading> Decode(StreamEvent e) => Decoder.Apply(e.Type, Data(e.Frame));

    /// <summary>Every queued event, read and decoded in order.</summary>
    public List<(StreamEvent Event, IReadOnlyList<StreamReading> Readings)> Drain()
    {
        List<(StreamEvent, IReadOnlyList<StreamReading>)> got = [];
        while (_subscription.Events.TryRead(out StreamEvent? e)) got.Add((e, Decode(e)));
        return got;
    }

    /// <summary>The data line of an SSE frame.</summary>
    public static string Data(ReadOnlyMemory<byte> frame)
    {
        string text = Encoding.UTF8.GetString(frame.Span);
        int at = text.IndexOf("\ndata: ", StringComparison.Ordinal) + "\ndata: ".Length;
        return text[at..text.IndexOf('\n', at)];
    }
}
