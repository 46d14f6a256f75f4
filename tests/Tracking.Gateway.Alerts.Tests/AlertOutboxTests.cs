using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Alerts.Queueing;
using Tracking.Testing;

namespace Tracking.Gateway.Alerts.Tests;

public class AlertOutboxTests
{
    [Fact]
    public async Task A_stop_does_not_wait_forever_for_a_delivery_that_ignores_cancellation()
    {
        var never = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var outbox = new AlertOutbox<int>("test", 4, (_, _) => { started.TrySetResult(); return never.Task; }, NullLogger.Instance);
        outbox.Enqueue(1);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));

        var clock = Stopwatch.StartNew();
        await outbox.DisposeAsync();
        await outbox.DisposeAsync(); // a second dispose is a no-op
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task A_stop_drains_the_queue_within_the_drain_timeout()
    {
        List<int> delivered = [];
        var outbox = new AlertOutbox<int>("test", 100, async (n, ct) => { await Task.Delay(10, ct); lock (delivered) delivered.Add(n); },
            NullLogger.Instance, drainTimeout: TimeSpan.FromSeconds(10));
        for (int i = 0; i < 20; i++) outbox.Enqueue(i);

        await outbox.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 20), delivered);
    }

    [Fact]
    public async Task What_a_stop_cannot_deliver_is_spilled_and_delivered_first_by_the_next_outbox()
    {
        string file = Path.Combine(Path.GetTempPath(), "outbox-test-" + Guid.NewGuid().ToString("N"), "spill.jsonl");
        try
        {
            // A receiver that is down: the first item's delivery waits until the stop cancels it.
            var started = new TaskCompletionSource();
            var down = new AlertOutbox<string>("test", 100, async (_, ct) => { started.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); },
                NullLogger.Instance, drainTimeout: TimeSpan.FromMilliseconds(200), spillFile: file);
            foreach (string item in (string[])["a", "b", "c"]) down.Enqueue(item);
            await started.Task.WaitAsync(TimeSpan.FromSeconds(5));
            await down.DisposeAsync();
            Assert.Equal(["a", "b", "c"], Journaled(file)); // the one in progress too

            List<string> delivered = [];
            var up = new AlertOutbox<string>("test", 100, (s, _) => { lock (delivered) delivered.Add(s); return Task.CompletedTask; },
                NullLogger.Instance, drainTimeout: TimeSpan.FromSeconds(5), spillFile: file);
            up.Enqueue("d");
            await up.DisposeAsync();

            Assert.Equal(["a", "b", "c", "d"], delivered);
            Assert.Equal(0, new FileInfo(file).Length); // nothing left: the journal is cut
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    /// <summary>The items a journal holds undelivered (its items after the last done marker).</summary>
    private static List<string> Journaled(string file)
    {
        List<string> items = [];
        long done = 0;
        foreach (string line in File.ReadAllLines(file))
        {
            var o = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
            if (o.TryGetPropertyValue("done", out var d)) done = d!.GetValue<long>();
            else items.Add($"{o["n"]!.GetValue<long>()}:{o["item"]!.GetValue<string>()}");
        }
        return [.. items.Where(i => long.Parse(i[..i.IndexOf(':')]) > done).Select(i => i[(i.IndexOf(':') + 1)..])];
    }

    private static string TempFile() => Path.Combine(Path.GetTempPath(), "outbox-test-" + Guid.NewGuid().ToString("N"), "journal.jsonl");

    [Fact]
    public async Task What_a_crash_leaves_undelivered_is_delivered_by_the_next_outbox_and_what_was_delivered_is_not()
    {
        string file = TempFile();
        try
        {
            // The first two are delivered, the third hangs in delivery, the fourth waits behind it; then the process dies
            // (the outbox is abandoned: no stop, no dispose, nothing written at the end).
            var third = new TaskCompletionSource();
            List<string> first = [];
            var crashed = new AlertOutbox<string>("test", 100, async (s, ct) =>
            {
                if (s == "c") { third.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); }
                lock (first) first.Add(s);
            }, NullLogger.Instance, drainTimeout: TimeSpan.FromSeconds(5), spillFile: file);
            foreach (string item in (string[])["a", "b", "c", "d"]) crashed.Enqueue(item);
            await third.Task.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(["a", "b"], first);
            Assert.Equal(["c", "d"], Journaled(file));

            List<string> delivered = [];
            var restarted = new AlertOutbox<string>("test", 100, (s, _) => { lock (delivered) delivered.Add(s); return Task.CompletedTask; },
                NullLogger.Instance, drainTimeout: TimeSpan.FromSeconds(5), spillFile: file);
            restarted.Enqueue("e");
            await restarted.DisposeAsync();

            Assert.Equal(["c", "d", "e"], delivered);
            Assert.Equal(0, new FileInfo(file).Length);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_full_queue_refuses_the_new_item_and_after_a_crash_the_queue_and_the_delivery_in_progress_all_come_back()
    {
        string file = TempFile();
        try
        {
            var started = new TaskCompletionSource();
            var crashed = new AlertOutbox<string>("test", 2, async (_, ct) => { started.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); },
                NullLogger.Instance, spillFile: file);
            crashed.Enqueue("a");
            await started.Task.WaitAsync(TimeSpan.FromSeconds(5));
            crashed.Enqueue("b");
            crashed.Enqueue("c");

            var refused = Assert.Throws<AlertQueueRefusedException>(() => crashed.Enqueue("d"));
            Assert.Equal(AlertQueueRefusal.Full, refused.Reason);
            Assert.False(crashed.Offer("e"));
            Assert.Equal((2, 2), (crashed.Refused, crashed.Count));
            Assert.Equal(["a", "b", "c"], Journaled(file)); // the refused ones are not journaled either

            // The next start queues all three, one more than the capacity: none is dropped.
            List<string> delivered = [];
            var restarted = new AlertOutbox<string>("test", 2, (s, _) => { lock (delivered) delivered.Add(s); return Task.CompletedTask; },
                NullLogger.Instance, drainTimeout: TimeSpan.FromSeconds(5), spillFile: file);
            await restarted.DisposeAsync();
            Assert.Equal(["a", "b", "c"], delivered);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public async Task Refusals_are_logged_once_per_episode_and_its_end_once()
    {
        var log = new RecordingLogger();
        var gate = new TaskCompletionSource();
        var outbox = new AlertOutbox<int>("test", 1, (_, ct) => gate.Task.WaitAsync(ct), log);
        outbox.Enqueue(1);
        await Poll.UntilAsync(() => outbox.Count == 0, "1 in delivery");
        outbox.Enqueue(2);
        for (int i = 3; i <= 5; i++) Assert.Throws<AlertQueueRefusedException>(() => outbox.Enqueue(i));
        Assert.Equal([1217], log.Events); // full: once for three refusals

        gate.SetResult();
        await Poll.UntilAsync(() => outbox.Processed == 2, "the queue to drain");
        outbox.Enqueue(6);
        await Poll.UntilAsync(() => outbox.Processed == 3, "the next delivery");
        outbox.Enqueue(7);
        Assert.Equal([1217, 1219], log.Events); // taken again: once
        await outbox.DisposeAsync();
    }

    [Fact]
    public async Task A_journal_that_cannot_be_opened_is_logged_once_refuses_until_it_can_and_is_used_from_then_on()
    {
        string file = TempFile();
        try
        {
            Directory.CreateDirectory(file); // the journal's path is taken: it cannot be opened
            var log = new RecordingLogger();
            List<string> delivered = [];
            var outbox = new AlertOutbox<string>("test", 10, (s, _) => { lock (delivered) delivered.Add(s); return Task.CompletedTask; }, log,
                drainTimeout: TimeSpan.FromSeconds(5), spillFile: file);
            for (int i = 0; i < 3; i++)
            {
                var refused = Assert.Throws<AlertQueueRefusedException>(() => outbox.Enqueue("refused"));
                Assert.Equal(AlertQueueRefusal.JournalUnwritable, refused.Reason);
            }
            Assert.True(outbox.Offer("in memory")); // what no one hands over again is queued all the same
            Assert.Equal([1218], log.Events);

            Directory.Delete(file);
            outbox.Enqueue("journaled");
            Assert.True(File.Exists(file)); // the journal, a file now
            Assert.Equal([1218, 1219], log.Events);
            await outbox.DisposeAsync();
            Assert.Equal(["in memory", "journaled"], delivered);
            Assert.Equal(3, outbox.Refused);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_line_torn_by_a_crash_is_skipped_and_a_spill_file_of_the_older_format_is_delivered()
    {
        string file = TempFile();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            // An older gateway's spill file (one JSON item a line), then a journal item, a marker and a torn line.
            File.WriteAllText(file, "\"old\"\n{\"n\":1,\"item\":\"x\"}\n{\"n\":2,\"item\":\"y\"}\n{\"done\":1}\n{\"n\":3,\"ite");

            List<string> delivered = [];
            var outbox = new AlertOutbox<string>("test", 100, (s, _) => { lock (delivered) delivered.Add(s); return Task.CompletedTask; },
                NullLogger.Instance, drainTimeout: TimeSpan.FromSeconds(5), spillFile: file);
            await outbox.DisposeAsync();

            Assert.Equal(["old", "y"], delivered); // in the order of the file
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }
}
