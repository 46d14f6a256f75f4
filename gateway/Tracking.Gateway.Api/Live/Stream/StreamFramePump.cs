using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// Copies a client's queued events into its response and flushes once per batch, not once per event. Each flush of a
/// response is a chunk of its own on the wire (HTTP/1.1 chunked encoding) and usually a send: a busy stream flushing per
/// event cost every client a chunk header and a system call per event, which at the ingest rate and 100 clients was the
/// fan-out's main cost (bench/README.md, sse-fanout). The frame itself is built once for all clients
/// (<see cref="StreamEvent.Frame"/>); here it is only copied.
/// </summary>
internal static class StreamFramePump
{
    /// <summary>
    /// Bytes copied between flushes at most: large enough that a busy stream sends few chunks, small enough that a
    /// client that reads slowly holds the writer back (a flush waits while the response pipe is full) before much more
    /// than its queue is buffered. 128 KiB: one write interval's events at the ingest rate (about 5,500 readings of
    /// 30 bytes in 250 ms, <see cref="LiveOptions.StreamWriteInterval"/>) go in two flushes; at most this plus the
    /// response pipe's 64 KiB per client is copied out of the shared frames.
    /// </summary>
    public const int FlushBytes = 128 * 1024;

    /// <summary>
    /// Writes every event <paramref name="events"/> holds, including those arriving meanwhile, then flushes. False when
    /// the response can take no more (the client is gone).
    /// </summary>
    // Pooled: a flush that waits (the response pipe is full) made every such drain allocate its state machine, per
    // write and client.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<bool> DrainAsync(ChannelReader<StreamEvent> events, PipeWriter body, CancellationToken ct)
    {
        int unflushed = 0;
        while (events.TryRead(out StreamEvent? e))
        {
            unflushed += Copy(e, body);
            if (unflushed >= FlushBytes)
            {
                unflushed = 0;
                if ((await body.FlushAsync(ct)).IsCompleted) return false;
            }
        }
        return unflushed == 0 || !(await body.FlushAsync(ct)).IsCompleted;
    }

    /// <summary>Writes <paramref name="events"/> (a resume's replay), flushing as <see cref="DrainAsync"/> does.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<bool> WriteAllAsync(IReadOnlyList<StreamEvent> events, PipeWriter body, CancellationToken ct)
    {
        int unflushed = 0;
        foreach (StreamEvent e in events)
        {
            unflushed += Copy(e, body);
            if (unflushed >= FlushBytes)
            {
                unflushed = 0;
                if ((await body.FlushAsync(ct)).IsCompleted) return false;
            }
        }
        return unflushed == 0 || !(await body.FlushAsync(ct)).IsCompleted;
    }

    private static int Copy(StreamEvent e, PipeWriter body)
    {
        ReadOnlySpan<byte> frame = e.Frame.Span;
        body.Write(frame);
        return frame.Length;
    }
}
