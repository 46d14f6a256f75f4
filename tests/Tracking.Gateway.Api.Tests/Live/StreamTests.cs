using Tracking.Testing;
using System.Net;
using System.Text.Json;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// GET /api/v1/stream: live events, readings batched per fleet, resume with Last-Event-ID without loss or duplicates,
/// reset, heartbeats, slow clients.
/// </summary>
public class StreamTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>A reading, sent at once as a readings event of its own (<paramref name="flush"/>) or left to gather.</summary>
    private static void Reading(ApiHost api, int i, string fleet = "acme", bool flush = true)
    {
        api.Board.ApplyReadings(new ContainerKey(fleet, "CSQU3054383"), "tag7", T0 + i, [new LiveReading(T0 + i, i, 50, 1013, 0.1)]);
        if (flush) api.Hub.Flush();
    }

    /// <summary>The temperature of a readings event of one reading.</summary>
    private static double Temp(SseClient sse, (string? Id, string Event, string Data)? frame)
    {
        Assert.Equal("readings", frame!.Value.Event);
        return sse.Readings(frame.Value).Single().TempC!.Value;
    }

    [Fact]
    public async Task New_readings_and_state_changes_arrive_with_increasing_ids()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        Assert.Equal("text/event-stream", sse.Response.Content.Headers.ContentType?.MediaType);
        var hello = await sse.NextAsync();
        Assert.Equal((":", "connected"), (hello!.Value.Event, hello.Value.Data));

        Reading(api, 1, flush: false); // the state change sends the reading first: no flush, no timer needed
        var reading = await sse.NextEventAsync();
        var state = await sse.NextEventAsync();

        Assert.Equal(("readings", 1.0), (reading!.Value.Event, Temp(sse, reading)));
        Assert.Equal("state", state!.Value.Event);
        JsonElement s = JsonDocument.Parse(state.Value.Data).RootElement;
        Assert.Equal(("ok", "unknown"), (s.GetProperty("state").GetString(), s.GetProperty("previous").GetString()));
        Assert.True(long.Parse(state.Value.Id!) == long.Parse(reading.Value.Id!) + 1);
    }

    [Fact]
    public async Task A_resume_with_Last_Event_ID_gets_exactly_what_came_after_it()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        Reading(api, 0); // the state change to ok happens here, so from now on one event per reading
        string lastId;
        await using (SseClient first = await SseClient.OpenAsync(api.Client, "/api/v1/stream"))
        {
            for (int i = 1; i <= 5; i++) Reading(api, i);
            var frame = await first.NextEventAsync();
            for (int i = 1; i <= 3; i++)
            {
                Assert.Equal(i, Temp(first, frame));
                lastId = frame!.Value.Id!;
                if (i < 3) frame = await first.NextEventAsync();
            }
            lastId = frame!.Value.Id!;
        }
        for (int i = 6; i <= 8; i++) Reading(api, i); // while away

        await using SseClient again = await SseClient.OpenAsync(api.Client, "/api/v1/stream", lastEventId: lastId);
        Assert.Equal(":", (await again.NextAsync())!.Value.Event);
        Reading(api, 9); // after the reconnect: live, after the replay
        List<double> temps = [];
        long previous = long.Parse(lastId);
        for (int i = 4; i <= 9; i++)
        {
            var frame = await again.NextEventAsync();
            Assert.True(long.Parse(frame!.Value.Id!) > previous);
            previous = long.Parse(frame.Value.Id!);
            temps.Add(Temp(again, frame));
        }
        Assert.Equal([4.0, 5, 6, 7, 8, 9], temps);
    }

    [Fact]
    public async Task A_resume_from_outside_the_window_is_a_reset_event_then_the_live_stream()
    {
        await using ApiHost api = await ApiHost.StartAsync(settings: new() { ["Live:StreamWindow"] = "100" });
        long before = api.Hub.LastId;
        for (int i = 0; i < 150; i++) Reading(api, i);

        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream", lastEventId: (before + 1).ToString());
        var reset = await sse.NextAsync();
        Assert.Equal("reset", reset!.Value.Event);
        Assert.Contains("older than the stream's window", JsonDocument.Parse(reset.Value.Data).RootElement.GetProperty("reason").GetString());
        Assert.Equal(api.Hub.LastId.ToString(), reset.Value.Id);
        Reading(api, 150);
        Assert.Equal(150, Temp(sse, await sse.NextEventAsync()));

        // An id of an earlier run (smaller than this run's first) or one never sent: reset too.
        await using SseClient old = await SseClient.OpenAsync(api.Client, "/api/v1/stream", lastEventId: "42");
        Assert.Equal("reset", (await old.NextAsync())!.Value.Event);
        await using SseClient future = await SseClient.OpenAsync(api.Client, "/api/v1/stream", lastEventId: (api.Hub.LastId + 5).ToString());
        Assert.Equal("reset", (await future.NextAsync())!.Value.Event);
    }

    [Fact]
    public async Task An_idle_stream_sends_heartbeat_comments()
    {
        await using ApiHost api = await ApiHost.StartAsync(settings: new() { ["Live:Heartbeat"] = "00:00:05" });
        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        Assert.Equal(":", (await sse.NextAsync())!.Value.Event); // connected

        for (int beat = 0; beat < 2; beat++)
        {
            Task<(string? Id, string Event, string Data)?> next = sse.NextAsync();
            await Task.Delay(200);
            Assert.False(next.IsCompleted, "no heartbeat before the interval");
            api.Time.Advance(TimeSpan.FromSeconds(5));
            Assert.Equal((":", "heartbeat"), ((await next)!.Value.Event, (await next)!.Value.Data));
        }
    }

    [Fact]
    public async Task A_client_that_does_not_read_is_disconnected_with_a_reason_and_resumes_without_loss()
    {
        await using ApiHost api = await ApiHost.StartAsync(settings: new() { ["Live:ClientQueue"] = "10" });
        Reading(api, 0);
        await using SseClient slow = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        // Far more than the response pipe (64 KiB) and the queue hold: the handler blocks writing, the queue fills.
        const int Count = 2000;
        for (int i = 1; i <= Count; i++) Reading(api, i);
        Assert.Equal(0, api.Hub.Subscribers);
        Assert.Equal(1, api.Hub.Disconnected);

        List<double> got = [];
        string? lastId = null;
        string? reason = null;
        while (await slow.NextEventAsync() is { } frame)
        {
            if (frame.Event == "disconnect")
            {
                reason = JsonDocument.Parse(frame.Data).RootElement.GetProperty("reason").GetString();
                Assert.Null(frame.Id);
                break;
            }
            got.Add(Temp(slow, frame));
            lastId = frame.Id;
        }
        Assert.Contains("fell more than 10 readings and events behind", reason);
        Assert.InRange(got.Count, 1, Count - 1);
        Assert.Null(await slow.NextAsync()); // the server ended it

        await using SseClient resumed = await SseClient.OpenAsync(api.Client, "/api/v1/stream", lastEventId: lastId);
        Assert.Equal(":", (await resumed.NextAsync())!.Value.Event);
        while (got.Count < Count) got.Add(Temp(resumed, await resumed.NextEventAsync()));
        Assert.Equal(Enumerable.Range(1, Count).Select(i => (double)i), got);
    }

    [Fact]
    public void The_hub_bounds_each_queue_and_drops_only_the_slow_subscriber()
    {
        var hub = new StreamHub(Microsoft.Extensions.Options.Options.Create(new LiveOptions { ClientQueue = 10, StreamWindow = 100 }), TimeProvider.System);
        using StreamSubscription slow = hub.Subscribe(FleetScope.All, null);
        using StreamSubscription other = hub.Subscribe(new FleetScope(["south"]), null);
        for (int i = 0; i < 11; i++) hub.Publish("reading", "north", "{}"u8);

        Assert.NotNull(slow.DisconnectReason);
        Assert.Equal(10, slow.Events.Count); // what it had queued stays readable; nothing more was added
        Assert.Null(other.DisconnectReason); // another fleet's events never count against it
        Assert.Equal(1, hub.Subscribers);
    }

    [Fact]
    public void A_resume_from_any_point_of_a_wrapped_window_replays_exactly_the_later_events_of_the_callers_fleets()
    {
        var hub = new StreamHub(Microsoft.Extensions.Options.Options.Create(new LiveOptions { ClientQueue = 10, StreamWindow = 100 }), TimeProvider.System);
        long first = hub.LastId + 1;
        for (int i = 0; i < 250; i++) hub.Publish("reading", i % 3 == 0 ? "south" : "north", "{}"u8); // the ring wrapped twice and a half
        long oldest = hub.LastId - 99;

        foreach (long last in new[] { oldest - 1, oldest, oldest + 37, hub.LastId - 1, hub.LastId })
        {
            using StreamSubscription all = hub.Subscribe(FleetScope.All, last);
            using StreamSubscription north = hub.Subscribe(new FleetScope(["north"]), last);
            Assert.Null(all.Reset);
            Assert.Equal([.. Enumerable.Range(0, (int)(hub.LastId - last)).Select(i => last + 1 + i)], all.Replay.Select(e => e.Id));
            Assert.Equal(all.Replay.Where(e => (e.Id - first) % 3 != 0).Select(e => e.Id), north.Replay.Select(e => e.Id));
        }
        using StreamSubscription tooOld = hub.Subscribe(FleetScope.All, oldest - 2);
        Assert.NotNull(tooOld.Reset);
        Assert.Empty(tooOld.Replay);
    }

    [Fact]
    public async Task An_open_stream_ends_when_the_gateway_stops_instead_of_holding_the_shutdown()
    {
        ApiHost api = await ApiHost.StartAsync();
        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        Assert.Equal(":", (await sse.NextAsync())!.Value.Event);

        var stop = System.Diagnostics.Stopwatch.StartNew();
        await api.DisposeAsync();

        Assert.True(stop.Elapsed < TimeSpan.FromSeconds(5), $"the stop took {stop.Elapsed}");
        Assert.Null(await sse.NextAsync());
    }

    [Fact]
    public async Task A_malformed_Last_Event_ID_is_400()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/stream");
        request.Headers.Add("Last-Event-ID", "abc");

        await Problem.AssertAsync(await api.Client.SendAsync(request), HttpStatusCode.BadRequest, "Last-Event-ID 'abc'");
    }
}
