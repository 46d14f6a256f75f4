using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Alerts.Queueing;

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
            Assert.Equal(["\"a\"", "\"b\"", "\"c\""], File.ReadAllLines(file)); // the one in progress too

            List<string> delivered = [];
            var up = new AlertOutbox<string>("test", 100, (s, _) => { lock (delivered) delivered.Add(s); return Task.CompletedTask; },
                NullLogger.Instance, drainTimeout: TimeSpan.FromSeconds(5), spillFile: file);
            Assert.False(File.Exists(file));
            up.Enqueue("d");
            await up.DisposeAsync();

            Assert.Equal(["a", "b", "c", "d"], delivered);
            Assert.False(File.Exists(file)); // nothing left: no file
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }
}
