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
}
