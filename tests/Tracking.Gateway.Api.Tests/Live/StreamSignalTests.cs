using Tracking.Gateway.Api.Live.Stream;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// The stream writer's reusable wake-up: a signal is never lost (a stream would stall with events queued), and signals
/// before a wait coalesce into one wake-up. A writer deferring its events for one write sleeps through events and wakes
/// for its timer or an end (<see cref="StreamSignal.Wake"/>), which is never lost either.
/// </summary>
public class StreamSignalTests
{
    [Fact]
    public async Task A_signal_before_the_wait_completes_it_at_once_and_signals_coalesce()
    {
        var signal = new StreamSignal();
        signal.Signal();
        signal.Signal();
        Assert.True(signal.WaitAsync().IsCompleted);

        ValueTask next = signal.WaitAsync(); // both signals were the one wake-up
        Assert.False(next.IsCompleted);
        signal.Signal();
        await next.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(signal.WaitAsync().IsCompleted);
    }

    [Fact]
    public async Task No_wake_up_is_lost_when_signals_race_the_waits()
    {
        // The writer's pattern: read what is there, then wait; the producer's: make something readable, then signal.
        var signal = new StreamSignal();
        const int Items = 200_000;
        long produced = 0;
        Task producer = Task.Run(() =>
        {
            for (int i = 0; i < Items; i++)
            {
                Interlocked.Increment(ref produced);
                signal.Signal();
            }
        });
        long seen = 0;
        int waits = 0;
        while (seen < Items)
        {
            seen = Interlocked.Read(ref produced);
            if (seen == Items) break;
            await signal.WaitAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)); // a lost signal would hang here
            waits++;
        }
        await producer;
        Assert.Equal(Items, seen);
        Assert.InRange(waits, 1, Items);
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

    [Fact]
    public async Task No_wake_up_is_lost_when_wakes_race_deferring_waits_among_events()
    {
        var signal = new StreamSignal();
        const int Wakes = 20_000;
        long woken = 0;
        using var stop = new CancellationTokenSource();
        Task events = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested) signal.Signal();
        });
        Task waker = Task.Run(() =>
        {
            for (int i = 0; i < Wakes; i++)
            {
                Interlocked.Increment(ref woken);
                signal.Wake();
            }
        });
        long seen = 0;
        while (seen < Wakes)
        {
            seen = Interlocked.Read(ref woken);
            if (seen == Wakes) break;
            await signal.WaitAsync(deferEvents: true).AsTask().WaitAsync(TimeSpan.FromSeconds(30)); // a lost wake would hang here
        }
        await waker;
        await stop.CancelAsync();
        await events;
        Assert.Equal(Wakes, seen);
    }
}
