using System.Collections.Concurrent;
using Tracking.Influx.Batching;
using Tracking.Influx.LineProtocol;
using Tracking.Influx.Tests.Support;
using Tracking.Influx.Writing;

namespace Tracking.Influx.Tests.Batching;

public class InfluxBatchWriterTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private static readonly LineEncoder<int> Reading = static (buffer, i) =>
        buffer.BeginLine("env").Tag("id", "c" + i).FloatField("v", i).End(i);

    private static InfluxWriter Writer(FakeHttpHandler handler, IDeadLetterSink? sink = null, TimeProvider? time = null)
    {
        var options = new InfluxOptions { Database = "db", Compression = InfluxCompression.None };
        options.Retry.InitialDelay = TimeSpan.FromMilliseconds(20);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
        return new InfluxWriter(options, handler.CreateClient(), sink, timeProvider: time);
    }

    /// <summary>A server that accepts writes only once <paramref name="gate"/> is opened.</summary>
    private static FakeHttpHandler AnswersWhenOpen(TaskCompletionSource gate) => new(async (_, ct) =>
    {
        await gate.Task.WaitAsync(ct);
        return CannedResponse.NoContent;
    });

    [Fact]
    public async Task Batches_are_sent_when_full_and_the_rest_on_flush()
    {
        var handler = new FakeHttpHandler(_ => CannedResponse.NoContent);
        using InfluxWriter writer = Writer(handler);
        await using var batches = new InfluxBatchWriter(writer, new InfluxBatchOptions { MaxBatchLines = 10, FlushInterval = TimeSpan.FromHours(1) });

        var tickets = new List<BatchTicket>();
        for (int i = 0; i < 25; i++)
        {
            tickets.Add(await batches.AddAsync(100 + i, i, Reading));
        }

        await Task.WhenAll(tickets.Take(20).Select(t => t.Completion)).WaitAsync(Generous);
        Assert.False(tickets[24].Completion.IsCompleted);
        Assert.Equal([10, 10], handler.Requests.Select(r => r.Lines.Count));

        await batches.FlushAsync().WaitAsync(Generous);

        Assert.Equal([10, 10, 5], handler.Requests.Select(r => r.Lines.Count));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"env,id=c{i} v={i} {i}"), handler.Requests.SelectMany(r => r.Lines));
        for (int i = 0; i < 25; i++)
        {
            LineOutcome outcome = await tickets[i].GetOutcomeAsync();
            Assert.Equal(100 + i, outcome.ItemId);
            Assert.Equal(LineWriteStatus.Written, outcome.Status);
        }

        Assert.Equal(0, batches.PendingLines);
    }

    [Fact]
    public async Task A_partial_batch_is_sent_after_the_flush_interval()
    {
        var handler = new FakeHttpHandler(_ => CannedResponse.NoContent);
        using InfluxWriter writer = Writer(handler);
        await using var batches = new InfluxBatchWriter(writer, new InfluxBatchOptions { MaxBatchLines = 1000, FlushInterval = TimeSpan.FromMilliseconds(100) });

        BatchTicket first = await batches.AddAsync(1, 1, Reading);
        await batches.AddAsync(2, 2, Reading);
        BatchTicket third = await batches.AddAsync(3, 3, Reading);

        WriteResult result = await third.Completion.WaitAsync(Generous);
        Assert.Same(result, await first.Completion);
        Assert.Equal(3, result.WrittenCount);
        Assert.Equal([1L, 2, 3], result.Lines.Select(l => l.ItemId));
        Assert.Equal(3, Assert.Single(handler.Requests).Lines.Count);
    }

    [Fact]
    public async Task Adding_waits_while_the_pending_limit_is_reached()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FakeHttpHandler handler = AnswersWhenOpen(gate);
        using InfluxWriter writer = Writer(handler);
        await using var batches = new InfluxBatchWriter(writer, new InfluxBatchOptions { MaxBatchLines = 2, MaxPendingLines = 4, FlushInterval = TimeSpan.FromHours(1) });

        var tickets = new List<BatchTicket>();
        for (int i = 0; i < 4; i++)
        {
            tickets.Add(await batches.AddAsync(i, i, Reading));
        }

        ValueTask<BatchTicket> blocked = batches.AddAsync(4, 4, Reading);
        Assert.False(blocked.IsCompleted);
        Assert.Equal(4, batches.PendingLines);

        gate.SetResult();
        BatchTicket fifth = await blocked.AsTask().WaitAsync(Generous);
        await batches.FlushAsync().WaitAsync(Generous);

        Assert.Equal(LineWriteStatus.Written, (await fifth.GetOutcomeAsync()).Status);
        Assert.Equal(5, handler.Requests.Sum(r => r.Lines.Count));
    }

    [Fact]
    public async Task Cancelling_a_waiting_add_adds_nothing()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FakeHttpHandler handler = AnswersWhenOpen(gate);
        using InfluxWriter writer = Writer(handler);
        await using var batches = new InfluxBatchWriter(writer, new InfluxBatchOptions { MaxBatchLines = 1, MaxPendingLines = 1, FlushInterval = TimeSpan.FromHours(1) });
        BatchTicket first = await batches.AddAsync(1, 1, Reading);

        using var cts = new CancellationTokenSource();
        ValueTask<BatchTicket> waiting = batches.AddAsync(2, 2, Reading, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.AsTask());

        gate.SetResult();
        await first.Completion.WaitAsync(Generous);
        await batches.FlushAsync().WaitAsync(Generous);
        Assert.Equal(["env,id=c1 v=1 1"], handler.Requests.SelectMany(r => r.Lines));
    }

    [Fact]
    public async Task Results_reach_the_callback_in_order_with_rejections_and_ids()
    {
        var influx = new SimulatedInflux1(line => line.Contains("v=13 ") || line.Contains("v=27 "));
        var handler = new FakeHttpHandler(influx.Handle);
        var sink = new RecordingDeadLetterSink();
        using InfluxWriter writer = Writer(handler, sink);
        var results = new ConcurrentQueue<WriteResult>();
        await using var batches = new InfluxBatchWriter(writer, new InfluxBatchOptions { MaxBatchLines = 10, FlushInterval = TimeSpan.FromHours(1) },
            (result, _) =>
            {
                results.Enqueue(result);
                return ValueTask.CompletedTask;
            });

        var tickets = new List<BatchTicket>();
        for (int i = 0; i < 30; i++)
        {
            tickets.Add(await batches.AddAsync(1000 + i, i, Reading));
        }

        await batches.FlushAsync().WaitAsync(Generous);

        Assert.Equal(Enumerable.Range(1000, 30).Select(i => (long)i), results.SelectMany(r => r.Lines).Select(l => l.ItemId));
        Assert.Equal([1013L, 1027], results.SelectMany(r => r.Rejected).Select(l => l.ItemId));
        Assert.Equal([1013L, 1027], sink.Letters.Select(l => l.ItemId));
        Assert.Equal(LineWriteStatus.Rejected, (await tickets[13].GetOutcomeAsync()).Status);
        Assert.Equal(28, influx.Stored.Count);
    }

    [Fact]
    public async Task A_failing_callback_does_not_lose_the_result_for_the_tickets()
    {
        var handler = new FakeHttpHandler(_ => CannedResponse.NoContent);
        using InfluxWriter writer = Writer(handler);
        int calls = 0;
        await using var batches = new InfluxBatchWriter(writer, new InfluxBatchOptions { MaxBatchLines = 1, FlushInterval = TimeSpan.FromHours(1) },
            (_, _) =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidOperationException("spool unavailable");
            });

        BatchTicket first = await batches.AddAsync(1, 1, Reading);
        BatchTicket second = await batches.AddAsync(2, 2, Reading);

        Assert.Equal(LineWriteStatus.Written, (await first.GetOutcomeAsync().WaitAsync(Generous)).Status);
        Assert.Equal(LineWriteStatus.Written, (await second.GetOutcomeAsync().WaitAsync(Generous)).Status);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_bad_reading_is_refused_at_add_time_without_disturbing_the_batch()
    {
        var handler = new FakeHttpHandler(_ => CannedResponse.NoContent);
        using InfluxWriter writer = Writer(handler);
        await using var batches = new InfluxBatchWriter(writer, new InfluxBatchOptions { MaxBatchLines = 100, FlushInterval = TimeSpan.FromHours(1) });

        await batches.AddAsync(1, 1, Reading);
        await Assert.ThrowsAsync<LineProtocolException>(async () =>
            await batches.AddAsync(2, "evil\nid", static (b, id) => b.BeginLine("env").Tag("id", id).FloatField("v", 1).End(1)));
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await batches.AddAsync(3, 0, static (b, _) =>
            {
                b.BeginLine("env").FloatField("v", 1).End(1);
                b.BeginLine("env").FloatField("v", 2).End(2);
            }));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await batches.AddAsync(4, 0, static (_, _) => { }));
        BatchTicket ok = await batches.AddAsync(5, 5, Reading);

        Assert.Equal(2, batches.PendingLines);
        await batches.FlushAsync().WaitAsync(Generous);
        Assert.Equal(1, ok.LineIndex);
        Assert.Equal(["env,id=c1 v=1 1", "env,id=c5 v=5 5"], Assert.Single(handler.Requests).Lines);
    }

    [Fact]
    public async Task Disposal_writes_what_is_queued()
    {
        var handler = new FakeHttpHandler(_ => CannedResponse.NoContent);
        using InfluxWriter writer = Writer(handler);
        var batches = new InfluxBatchWriter(writer, new InfluxBatchOptions { MaxBatchLines = 100, FlushInterval = TimeSpan.FromHours(1) });
        BatchTicket ticket = await batches.AddAsync(1, 1, Reading);

        await batches.DisposeAsync();

        Assert.Equal(LineWriteStatus.Written, (await ticket.GetOutcomeAsync()).Status);
        Assert.Single(handler.Requests);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await batches.AddAsync(2, 2, Reading));
    }

    [Fact]
    public async Task Disposal_cancels_writes_that_cannot_finish_in_time()
    {
        var handler = new FakeHttpHandler(_ => new CannedResponse(503));
        using InfluxWriter writer = Writer(handler);
        var batches = new InfluxBatchWriter(writer, new InfluxBatchOptions
        {
            MaxBatchLines = 1, MaxPendingLines = 10, FlushInterval = TimeSpan.FromHours(1), ShutdownTimeout = TimeSpan.FromMilliseconds(300),
        });
        BatchTicket first = await batches.AddAsync(1, 1, Reading);
        BatchTicket second = await batches.AddAsync(2, 2, Reading);

        await batches.DisposeAsync().AsTask().WaitAsync(Generous);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.Completion);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.Completion);
        Assert.Equal(0, writer.Metrics.LinesWritten);
    }

    [Fact]
    public async Task Concurrent_producers_get_every_line_written_exactly_once()
    {
        var received = new ConcurrentBag<string>();
        var handler = new FakeHttpHandler(r =>
        {
            foreach (string line in r.Lines)
            {
                received.Add(line);
            }

            return CannedResponse.NoContent;
        });
        using InfluxWriter writer = Writer(handler);
        await using var batches = new InfluxBatchWriter(writer, new InfluxBatchOptions { MaxBatchLines = 97, MaxPendingLines = 500, FlushInterval = TimeSpan.FromMilliseconds(20) });

        const int producers = 4, perProducer = 2500;
        var tickets = new ConcurrentBag<BatchTicket>();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            for (int i = 0; i < perProducer; i++)
            {
                int n = (p * perProducer) + i;
                tickets.Add(await batches.AddAsync(n, n, Reading));
            }
        })));
        await batches.FlushAsync().WaitAsync(Generous);

        Assert.Equal(producers * perProducer, received.Count);
        Assert.Equal(producers * perProducer, received.Distinct().Count());
        foreach (BatchTicket ticket in tickets)
        {
            LineOutcome outcome = await ticket.GetOutcomeAsync();
            Assert.Equal(ticket.ItemId, outcome.ItemId);
            Assert.Equal(LineWriteStatus.Written, outcome.Status);
        }
    }
}
