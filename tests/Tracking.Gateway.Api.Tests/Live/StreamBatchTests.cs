using System.Text.Json;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;
using Tracking.Testing;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// Readings leave the stream as one <c>readings</c> event per fleet and batch interval, in the compact form of docs/api.md;
/// the window and each client's queue count readings, so batching does not loosen the memory bounds.
/// </summary>
public class StreamBatchTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static LiveReading R(long t, double temp) => new(T0 + t, temp, 50, 1013.5, 0.25);

    private static StreamHub Hub(int window, int queue, TimeSpan batch, TimeProvider? time = null) =>
        new(Options.Create(new LiveOptions { StreamWindow = window, ClientQueue = queue, StreamBatch = batch }), time ?? new ManualTimeProvider());

    [Fact]
    public async Task Readings_within_the_interval_leave_after_it_as_one_compact_event_per_fleet()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        ContainerKey a1 = new("acme", "CSQU3054383"), a2 = new("acme", "MSKU1234565"), n1 = new("north", "TGHU0000001");
        // Known containers already (their first reading changes their state, which would send the batch at once).
        foreach (ContainerKey k in new[] { a1, a2, n1 }) api.Board.ApplyReadings(k, "tag0", T0, [R(0, 5)]);
        api.Hub.Flush();
        long before = api.Hub.LastId;
        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        Assert.Equal(":", (await sse.NextAsync())!.Value.Event);

        api.Board.ApplyReadings(a1, "tag7", T0 + 10, [R(1, 4.5), new LiveReading(T0 + 2, double.NaN, 51, double.NaN, 0)]);
        api.Board.ApplyReadings(n1, "tag9", T0 + 10, [R(3, -18.25)]);
        api.Board.ApplyReadings(a2, "tag8", T0 + 10, [R(4, 6)]);
        api.Board.ApplyReadings(a1, "tag7", T0 + 10, [R(5, 4.75)]);
        Task<(string? Id, string Event, string Data)?> next = sse.NextEventAsync();
        await Task.Delay(200);
        Assert.False(next.IsCompleted, "nothing leaves before the batch interval");
        Assert.Equal(before, api.Hub.LastId);

        api.Time.Advance(TimeSpan.FromMilliseconds(50)); // Live:StreamBatch's default
        var first = (await next)!.Value;
        var second = (await sse.NextEventAsync())!.Value;

        Assert.Equal(("readings", "readings"), (first.Event, second.Event));
        Assert.Equal(before + 2, api.Hub.LastId); // one id per fleet's event
        var byFleet = new[] { first, second }.ToDictionary(f => JsonDocument.Parse(f.Data).RootElement.GetProperty("fleet").GetString()!);
        Assert.Equal(
            [
                new StreamReading("acme", a1.Container, "tag7", T0 + 1, 4.5, 50, 1013.5, 0.25),
                new StreamReading("acme", a1.Container, "tag7", T0 + 2, null, 51, null, 0),
                new StreamReading("acme", a2.Container, "tag8", T0 + 4, 6, 50, 1013.5, 0.25),
                new StreamReading("acme", a1.Container, "tag7", T0 + 5, 4.75, 50, 1013.5, 0.25),
            ],
            sse.Readings(byFleet["acme"]));
        Assert.Equal([new StreamReading("north", n1.Container, "tag9", T0 + 3, -18.25, 50, 1013.5, 0.25)], sse.Readings(byFleet["north"]));
        // A reading a positional array, its stream's index in the fleet's streams (the containers and their tag0 streams
        // came in the names event at connect, the tags and streams are new: named here, after the fleet's tag0 and its two
        // streams), its time in ms after the event's earliest (t0).
        Assert.Equal(
            $"{{\"fleet\":\"acme\",\"t0\":{T0 + 1},\"containers_from\":2,\"containers\":[],\"tags_from\":1,\"tags\":[\"tag7\",\"tag8\"],"
            + "\"streams_from\":2,\"streams\":[[0,1],[1,2]],"
            + "\"readings\":[[2,0,4.5,50,1013.5,0.25],[2,1,null,51,null,0],[3,3,6,50,1013.5,0.25],[2,4,4.75,50,1013.5,0.25]]}",
            byFleet["acme"].Data);
    }

    [Fact]
    public async Task A_fleet_scoped_stream_gets_only_its_fleets_batch_and_resumes_after_it()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        foreach (string fleet in new[] { "acme", "north" }) api.Board.ApplyReadings(new(fleet, "CSQU3054383"), "tag0", T0, [R(0, 5)]);
        api.Hub.Flush();
        await using SseClient acme = await SseClient.OpenAsync(api.Client, "/api/v1/stream?fleet=acme");
        Assert.Equal(":", (await acme.NextAsync())!.Value.Event);

        for (int i = 1; i <= 3; i++)
        {
            api.Board.ApplyReadings(new("north", "CSQU3054383"), "tag1", T0, [R(i, 100 + i)]);
            api.Board.ApplyReadings(new("acme", "CSQU3054383"), "tag1", T0, [R(i, i)]);
        }
        api.Hub.Flush();
        var got = (await acme.NextEventAsync())!.Value;
        Assert.Equal([1.0, 2, 3], acme.Readings(got).Select(r => r.TempC!.Value));

        api.Board.ApplyReadings(new("acme", "CSQU3054383"), "tag1", T0, [R(4, 4)]);
        api.Hub.Flush();
        await using SseClient resumed = await SseClient.OpenAsync(api.Client, "/api/v1/stream?fleet=acme", lastEventId: got.Id);
        Assert.Equal(":", (await resumed.NextAsync())!.Value.Event);
        var replayed = (await resumed.NextEventAsync())!.Value;
        Assert.Equal([4.0], resumed.Readings(replayed).Select(r => r.TempC!.Value)); // north's batch between is not acme's
    }

    [Fact]
    public void A_full_batch_leaves_at_once_and_the_queue_counts_readings()
    {
        // ClientQueue 10: batches of 5 at most (half the smaller bound), so an empty queue always takes one.
        using StreamHub hub = Hub(window: 100, queue: 10, batch: TimeSpan.FromSeconds(1));
        using StreamSubscription client = hub.Subscribe(FleetScope.All, null);
        long start = hub.LastId;

        hub.PublishReadings(new("acme", "CSQU3054383"), "tag7", [.. Enumerable.Range(0, 12).Select(i => R(i, i))]);

        Assert.Equal(start + 2, hub.LastId); // two full batches left, two readings wait for the timer
        Assert.Equal(10, client.Queued);
        Assert.True(client.Events.TryRead(out StreamEvent? e));
        Assert.Equal((5, "readings"), (e!.Weight, e.Type));
        Assert.Equal(5, client.Queued);
        hub.Flush();
        Assert.Equal(7, client.Queued);
        Assert.Null(client.DisconnectReason);
        hub.PublishReadings(new("acme", "CSQU3054383"), "tag7", [.. Enumerable.Range(12, 5).Select(i => R(i, i))]); // 7 + 5 > 10
        Assert.Contains("fell more than 10 readings and events behind", client.DisconnectReason);
        Assert.Equal(0, hub.Subscribers);
    }

    [Fact]
    public void The_window_keeps_at_most_its_size_in_readings_and_resumes_exactly_within_it()
    {
        using StreamHub hub = Hub(window: 100, queue: 10, batch: TimeSpan.Zero); // 0: an event per message
        long first = hub.LastId + 1;
        for (int i = 0; i < 60; i++) hub.PublishReadings(new("acme", "CSQU3054383"), "tag7", [R(2 * i, i), R((2 * i) + 1, i)]);
        hub.Publish("state", "acme", "{}"u8);
        Assert.Equal(first + 60, hub.LastId);

        // 60 events of 2 readings and one of 1: the newest 49 readings events and the state (99) fit in 100.
        long oldest = hub.LastId - 49;
        using (StreamSubscription ok = hub.Subscribe(FleetScope.All, oldest - 1))
        {
            Assert.Null(ok.Reset);
            Assert.Equal([.. Enumerable.Range(0, 50).Select(i => oldest + i)], ok.Replay.Select(e => e.Id));
            Assert.Equal(99, ok.Replay.Sum(e => e.Weight));
        }
        using StreamSubscription gone = hub.Subscribe(FleetScope.All, oldest - 2);
        Assert.Contains("older than the stream's window", gone.Reset);
    }

    [Fact]
    public void Batches_closed_with_no_client_connected_are_framed_when_a_resuming_client_is_sent_them_as_they_would_have_been()
    {
        ContainerKey a1 = new("acme", "CSQU3054383"), a2 = new("acme", "MSKU1234565");
        void Publish(StreamHub hub)
        {
            hub.PublishReadings(a1, "tag7", [R(1, 4.5), new LiveReading(T0 + 2, double.NaN, 51, double.NaN, 0)]);
            hub.PublishReadings(a2, "tag8", [R(3, 6)]);
            hub.PublishReadings(a1, "tag7", [R(4, 4.75)]);
            hub.Flush();
        }

        // The same readings into two hubs: one with a client connected (framed at once), one with none (kept unframed,
        // its batches not reused, so a later batch cannot change what an earlier event holds).
        using StreamHub watched = Hub(window: 100, queue: 100, batch: TimeSpan.FromSeconds(1));
        using StreamSubscription live = watched.Subscribe(FleetScope.All, watched.LastId);
        using StreamHub alone = Hub(window: 100, queue: 100, batch: TimeSpan.FromSeconds(1));
        long start = alone.LastId;
        Publish(watched);
        Publish(alone);
        alone.PublishReadings(a2, "tag8", [R(5, 7)]); // a second batch while still alone
        alone.Flush();

        using StreamSubscription resumed = alone.Subscribe(FleetScope.All, start);
        Assert.Null(resumed.Reset);
        StreamEvent[] replay = [.. resumed.Replay];
        Assert.Equal(2, replay.Length);
        Assert.All(replay, e => Assert.False(e.IsFramed)); // serialized for nobody while nobody was connected
        Assert.True(live.Events.TryRead(out StreamEvent? framed));
        Assert.Equal(framed!.Frame.ToArray(), replay[0].Frame.ToArray());
        var client = new HubClient(resumed);
        Assert.Equal(4, client.Decode(replay[0]).Count);
        Assert.Equal([new StreamReading("acme", a2.Container, "tag8", T0 + 5, 7, 50, 1013.5, 0.25)], client.Decode(replay[1]));
    }

    [Fact]
    public void Copies_of_events_that_left_the_window_unsent_are_filled_again_but_never_one_a_resuming_client_holds()
    {
        // Window of 20 readings, 5 per batch, nobody connected: every batch is a copy (DetachedReadings), and from the fifth
        // on each pushes out one whose copy the next batch refills. A client resuming holds 4 events it serializes later.
        using StreamHub hub = Hub(window: 20, queue: 100, batch: TimeSpan.FromSeconds(1));
        var sent = new Dictionary<long, List<StreamReading>>();
        void Batch(int n)
        {
            var expected = new List<StreamReading>();
            for (int i = 0; i < 5; i++)
            {
                // A new container and tag now and then, so the name tables differ in length from batch to batch.
                var key = new ContainerKey("acme", $"CSQU{(n * 7 + i) % (3 + n % 4):D7}");
                string tag = $"tag{(n + i) % (1 + n % 3)}";
                LiveReading r = R(n * 10 + i, n + i / 10.0);
                hub.PublishReadings(key, tag, [r]);
                expected.Add(new StreamReading("acme", key.Container, tag, r.TimeMs, r.TemperatureC, 50, 1013.5, 0.25));
            }
            hub.Flush();
            sent[hub.LastId] = expected;
        }

        for (int n = 0; n < 10; n++) Batch(n);
        long oldest = hub.LastId - 3;
        using StreamSubscription resumed = hub.Subscribe(FleetScope.All, oldest - 1);
        StreamEvent[] replay = [.. resumed.Replay];
        Assert.Equal([oldest, oldest + 1, oldest + 2, oldest + 3], replay.Select(e => e.Id));
        resumed.Dispose(); // gone again: the batches after are copies too
        for (int n = 10; n < 40; n++) Batch(n); // pushes the replayed events out and refills copies many times

        Assert.All(replay, e => Assert.False(e.IsFramed));
        var client = new HubClient(resumed); // the names as they were when it subscribed: enough for its replay
        foreach (StreamEvent e in replay) Assert.Equal(sent[e.Id], client.Decode(e));
        using StreamSubscription late = hub.Subscribe(FleetScope.All, hub.LastId - 4);
        var lateClient = new HubClient(late);
        foreach (StreamEvent e in late.Replay) Assert.Equal(sent[e.Id], lateClient.Decode(e));
    }

    [Fact]
    public void A_hub_nobody_watches_keeps_its_window_of_readings_without_allocating_a_copy_per_batch()
    {
        // Issue 11: bench ingest has no client; a copy of each batch (48 B a reading and the names) was 10 % of what the
        // gateway allocated per message. Once the window is full, a batch's copy reuses one whose event left it.
        using StreamHub hub = Hub(window: 1_000, queue: 100, batch: TimeSpan.FromSeconds(1));
        ContainerKey[] keys = [.. Enumerable.Range(0, 20).Select(i => new ContainerKey("acme", $"CSQU{i:D7}"))];
        LiveReading[] one = [R(1, 4.5)];
        void Run(int batches)
        {
            for (int b = 0; b < batches; b++)
            {
                foreach (ContainerKey key in keys) hub.PublishReadings(key, "tag1", one);
                hub.Flush();
            }
        }
        Run(200); // the window fills (50 batches), and its copies start being refilled

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(500);
        double perReading = (GC.GetAllocatedBytesForCurrentThread() - before) / 10_000.0;

        // What is left is the event of each batch (one object per 20 readings here).
        Assert.True(perReading < 8, $"{perReading:0.0} B allocated per reading");
    }
}
