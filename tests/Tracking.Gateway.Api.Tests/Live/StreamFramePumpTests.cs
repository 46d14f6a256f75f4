using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using System.Threading.Tasks.Sources;
using Tracking.Gateway.Api.Live.Stream;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// The stream's writer copies queued frames and flushes per batch: a flush per event was a chunk and a send per event
/// and client, the fan-out's main cost at the ingest rate (bench sse-fanout).
/// </summary>
public class StreamFramePumpTests
{
    private static StreamEvent Event(long id) =>
        new(id, "reading", "acme", new JsonPayload(Encoding.UTF8.GetBytes($"{{\"fleet\":\"acme\",\"container\":\"CSQU3054383\",\"n\":{id}}}")));

    private static string Expected(IEnumerable<StreamEvent> events) => string.Concat(events.Select(e => Encoding.UTF8.GetString(e.Frame.Span)));

    private static async Task<string> ReadAllAsync(Pipe pipe)
    {
        await pipe.Writer.CompleteAsync();
        ReadResult all = await pipe.Reader.ReadAtLeastAsync(int.MaxValue);
        string text = Encoding.UTF8.GetString(all.Buffer.ToArray());
        pipe.Reader.AdvanceTo(all.Buffer.End);
        return text;
    }

    [Fact]
    public async Task A_full_queue_goes_out_in_a_few_flushes_in_order_and_complete()
    {
        var queue = Channel.CreateUnbounded<StreamEvent>();
        StreamEvent[] events = [.. Enumerable.Range(1, 8000).Select(i => Event(i))];
        foreach (StreamEvent e in events) queue.Writer.TryWrite(e);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var body = new CountingWriter(pipe.Writer);

        Assert.True(await StreamFramePump.DrainAsync(queue.Reader, body, CancellationToken.None));

        int bytes = events.Sum(e => e.Frame.Length);
        Assert.True(bytes > 3 * StreamFramePump.FlushBytes, "the test needs several batches");
        Assert.InRange(body.Flushes, 1, (bytes / StreamFramePump.FlushBytes) + 1); // per event it would be 8,000
        Assert.Equal(0, queue.Reader.Count);
        Assert.Equal(Expected(events), await ReadAllAsync(pipe));
    }

    [Fact]
    public async Task A_replay_goes_out_in_a_few_flushes_and_an_empty_queue_flushes_nothing()
    {
        StreamEvent[] events = [.. Enumerable.Range(1, 500).Select(i => Event(i))];
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var body = new CountingWriter(pipe.Writer);

        Assert.True(await StreamFramePump.WriteAllAsync(events, body, CancellationToken.None));
        int afterReplay = body.Flushes;
        Assert.True(await StreamFramePump.DrainAsync(Channel.CreateUnbounded<StreamEvent>().Reader, body, CancellationToken.None));

        Assert.InRange(afterReplay, 1, (events.Sum(e => e.Frame.Length) / StreamFramePump.FlushBytes) + 1);
        Assert.Equal(afterReplay, body.Flushes);
        Assert.Equal(Expected(events), await ReadAllAsync(pipe));
    }

    [Fact]
    public async Task A_client_that_went_away_stops_the_drain()
    {
        var queue = Channel.CreateUnbounded<StreamEvent>();
        for (int i = 1; i <= 10_000; i++) queue.Writer.TryWrite(Event(i)); // several flushes' worth
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await pipe.Reader.CompleteAsync(); // the response's reader is done: flushes report completion

        Assert.False(await StreamFramePump.DrainAsync(queue.Reader, pipe.Writer, CancellationToken.None));
        Assert.True(queue.Reader.Count > 0, "it stopped at the first flush instead of copying everything for nobody");
    }

    [Fact]
    public async Task A_drain_whose_flush_waits_allocates_nothing_per_write_once_warm()
    {
        // Per client and write, at the ingest rate: a state machine per drain whose flush had to wait (the response pipe
        // full) was garbage made 25 times a second by each of 100 clients. The gated writer completes each flush on this
        // thread, so every byte the drain allocates is counted here.
        StreamEvent[] events = [.. Enumerable.Range(1, 3).Select(i => Event(i))];
        var queue = Channel.CreateUnbounded<StreamEvent>();
        var body = new GatedWriter();
        async Task Drains(int count)
        {
            for (int i = 0; i < count; i++)
            {
                foreach (StreamEvent e in events) queue.Writer.TryWrite(e);
                ValueTask<bool> drain = StreamFramePump.DrainAsync(queue.Reader, body, CancellationToken.None);
                Assert.False(drain.IsCompleted, "the flush waits");
                body.Release();
                Assert.True(drain.IsCompleted);
                Assert.True(await drain);
            }
        }
        // On a pool thread: no synchronization context to post the drain's continuation to, so it runs on inline.
        long allocated = await Task.Run(async () =>
        {
            await Drains(10); // warm-up
            long before = GC.GetAllocatedBytesForCurrentThread();
            await Drains(1000);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

#if DEBUG
        // A Debug build makes each call's async state machine a class of its own (about 100 B); the box around it,
        // pooled now, was about 80 B more per drain (184 B in all before).
        const int Bound = 128;
#else
        const int Bound = 16;
#endif
        Assert.True(allocated < 1000 * Bound, $"{allocated / 1000.0:F1} B allocated per drain");
        Assert.Equal(1000 + 10, body.Flushes);
    }

    /// <summary>A pipe writer that counts flushes.</summary>
    private sealed class CountingWriter(PipeWriter inner) : PipeWriter
    {
        public int Flushes { get; private set; }

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Flushes++;
            return inner.FlushAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A pipe writer that drops what is written and whose flush waits until <see cref="Release"/>, which completes it
    /// on the caller's thread (the awaiting drain runs on inline).
    /// </summary>
    private sealed class GatedWriter : PipeWriter, IValueTaskSource<FlushResult>
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private ManualResetValueTaskSourceCore<FlushResult> _flush;

        public int Flushes { get; private set; }

        public void Release() => _flush.SetResult(new FlushResult(isCanceled: false, isCompleted: false));

        public override void Advance(int bytes)
        {
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => _buffer;

        public override Span<byte> GetSpan(int sizeHint = 0) => _buffer;

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Flushes++;
            _flush.Reset();
            return new ValueTask<FlushResult>(this, _flush.Version);
        }

        FlushResult IValueTaskSource<FlushResult>.GetResult(short token) => _flush.GetResult(token);

        ValueTaskSourceStatus IValueTaskSource<FlushResult>.GetStatus(short token) => _flush.GetStatus(token);

        void IValueTaskSource<FlushResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _flush.OnCompleted(continuation, state, token, flags);
    }
}
