using Tracking.Gateway.Api.Live.Stream;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// The stream writer's reusable wake-up: a signal is never lost (a stream would stall with events queued), and signals
/// before a wait coalesce into one wake-up.
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
}
