using System.Text.Json;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;
using Tracking.Testing;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// Live:StreamWriteInterval: events that come sooner than the interval after a write to a client wait for the rest of it
/// and leave together; a stream idle for longer writes at once, and so does one whose queue is half full; a client that
/// falls behind is still cut off with its reason, and resumes without loss.
/// </summary>
public class StreamWriteCoalescingTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    // Longer than the hub's batch timer (50 ms), which stays armed in the manual clock: the writer's timer is told apart by its due.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);

    private static Task<ApiHost> StartAsync(string queue = "10000") => ApiHost.StartAsync(settings: new()
    {
        ["Live:StreamWriteInterval"] = "00:00:00.300", ["Live:ClientQueue"] = queue,
    });

    private static void Reading(ApiHost api, int i)
    {
        api.Board.ApplyReadings(new ContainerKey("acme", "CSQU3054383"), "tag7", T0 + i, [new LiveReading(T0 + i, i, 50, 1013, 0.1)]);
        api.Hub.Flush();
    }

    private static double Temp(SseClient sse, (string? Id, string Event, string Data)? frame)
    {
        Assert.Equal("readings", frame!.Value.Event);
        return sse.Readings(frame.Value).Single().TempC!.Value;
    }

    /// <summary>Waits (no time limit asserted) until the writer has armed its timer for the rest of the interval.</summary>
    private static async Task WriterWaitsForTheIntervalAsync(ApiHost api)
    {
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!api.Time.PendingTimers.Any(t => t > Interval / 2 && t <= Interval))
        {
            await Task.Delay(10, giveUp.Token);
        }
    }

    [Fact]
    public async Task Events_soon_after_a_write_wait_for_the_interval_and_leave_together_and_an_idle_stream_writes_at_once()
    {
        await using ApiHost api = await StartAsync();
        Reading(api, 0); // the state change to ok happens here, so from now on one event per reading
        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        Assert.Equal(":", (await sse.NextAsync())!.Value.Event);

        Reading(api, 1);
        Assert.Equal(1, Temp(sse, await sse.NextEventAsync())); // the first write of the stream: at once

        Reading(api, 2);
        Reading(api, 3);
        await WriterWaitsForTheIntervalAsync(api);
        Task<(string? Id, string Event, string Data)?> next = sse.NextEventAsync();
        await Task.Delay(200);
        Assert.False(next.IsCompleted, "held back until the interval since the last write is over");
        api.Time.Advance(Interval);
        Assert.Equal(2, Temp(sse, await next));
        Assert.Equal(3, Temp(sse, await sse.NextEventAsync()));

        // Idle for longer than the interval: the next event goes at once, without the clock moving on.
        api.Time.Advance(TimeSpan.FromSeconds(1));
        Reading(api, 4);
        Assert.Equal(4, Temp(sse, await sse.NextEventAsync()));
    }

    [Fact]
    public async Task A_queue_half_full_is_written_at_once_without_waiting_for_the_interval()
    {
        await using ApiHost api = await StartAsync(queue: "10");
        Reading(api, 0);
        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        Assert.Equal(":", (await sse.NextAsync())!.Value.Event);
        Reading(api, 1);
        Assert.Equal(1, Temp(sse, await sse.NextEventAsync()));
        Reading(api, 2);
        await WriterWaitsForTheIntervalAsync(api);

        // Half the queue (5 of 10): the writer must not sit out the interval while its client nears the cut-off.
        for (int i = 3; i <= 6; i++) Reading(api, i);
        for (int i = 2; i <= 6; i++) Assert.Equal(i, Temp(sse, await sse.NextEventAsync()));
        Assert.Equal(0, api.Hub.Disconnected);
    }

    [Fact]
    public async Task A_client_that_falls_behind_with_a_write_interval_is_cut_off_with_its_reason_and_resumes_without_loss()
    {
        await using ApiHost api = await StartAsync(queue: "10");
        Reading(api, 0);
        await using SseClient slow = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        Assert.Equal(":", (await slow.NextAsync())!.Value.Event);
        Reading(api, 1);
        Assert.Equal(1, Temp(slow, await slow.NextEventAsync()));
        Reading(api, 2);
        await WriterWaitsForTheIntervalAsync(api);

        // Far more than the response pipe (64 KiB) and the queue hold, the client not reading: the hub cuts it off, and
        // the writer says so without the clock moving on (the interval would never end here).
        const int Count = 2000;
        for (int i = 3; i <= Count; i++) Reading(api, i);
        Assert.Equal(1, api.Hub.Disconnected);

        List<double> got = [1];
        string? lastId = null, reason = null;
        while (await slow.NextEventAsync() is { } frame)
        {
            if (frame.Event == "disconnect")
            {
                reason = JsonDocument.Parse(frame.Data).RootElement.GetProperty("reason").GetString();
                break;
            }
            got.Add(Temp(slow, frame));
            lastId = frame.Id;
        }
        Assert.Contains("fell more than 10 readings and events behind", reason);
        Assert.NotNull(lastId);

        await using SseClient resumed = await SseClient.OpenAsync(api.Client, "/api/v1/stream", lastEventId: lastId);
        Assert.Equal(":", (await resumed.NextAsync())!.Value.Event);
        while (got.Count < Count) got.Add(Temp(resumed, await resumed.NextEventAsync()));
        Assert.Equal(Enumerable.Range(1, Count).Select(i => (double)i), got);
    }
}
