using Tracking.Gateway.Api.Live.Stream;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// The stream writer's one reusable wake-up: events wake a waiting writer unless it defers them for one write; its timer
/// and the ends wake it always; a signal before a wait is not lost.
/// </summary>
public class StreamSignalTests
{
    [Fact]
    public async Task An_event_wakes_a_waiting_writer_and_one_before_the_wait_completes_it_at_once()
    {
        var signal = new StreamSignal();
        ValueTask wait = signal.WaitAsync();
        Assert.False(wait.IsCompleted);
        signal.Signal();
        await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        signal.Signal();
        signal.Signal(); // coalesce: one wake-up
        Assert.True(signal.WaitAsync().IsCompleted);
        Assert.False(signal.WaitAsync().IsCompleted);
    }

    [Fact]
    public async Task A_deferring_writer_sleeps_through_events_and_wakes_for_its_timer_or_an_end()
    {
        var signal = new StreamSignal();
        signal.Signal(); // an event before the deferring wait does not end it either: it is in the queue, written after
        ValueTask deferred = signal.WaitAsync(deferEvents: true);
        for (int i = 0; i < 100; i++) signal.Signal();
        await Task.Yield();
        Assert.False(deferred.IsCompleted);
        signal.Wake();
        await deferred.AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        // The wake-up took every signal so far: the next wait sleeps.
        Assert.False(signal.WaitAsync().IsCompleted);
        signal.Wake();

        // A wake-up (the subscription's end, say) before a deferring wait completes it at once.
        signal.Wake();
        Assert.True(signal.WaitAsync(deferEvents: true).IsCompleted);
    }
}
