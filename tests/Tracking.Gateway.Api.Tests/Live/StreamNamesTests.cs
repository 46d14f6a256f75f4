using System.Globalization;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;
using Tracking.Testing;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// Container and tag names cost (almost) nothing per reading in the steady state: a <c>readings</c> event refers to a
/// reading's container and tag by the index of their stream in the fleet's name table and names only the names and
/// streams it introduces; a connection first gets its fleets' tables as <c>names</c> events (no id). A fresh client, a resuming one (also from before a new table) and a fleet-limited one each
/// resolve every reading to its container and tag, and learn no other fleet's names.
/// </summary>
public class StreamNamesTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private const string A = "CSQU3054383", B = "MSKU1234565", C = "TGHU0000001", D = "TCLU0000002";

    /// <summary>One reading of <paramref name="temp"/> degC at T0 + <paramref name="ms"/>, straight into the stream's hub.</summary>
    private static void Publish(ApiHost api, string fleet, string container, string tag, int ms, double temp) =>
        api.Hub.PublishReadings(new ContainerKey(fleet, container), tag, [new LiveReading(T0 + ms, temp, 50, 1013.5, 0.25)]);

    private static StreamReading Expected(string fleet, string container, string tag, int ms, double temp) =>
        new(fleet, container, tag, T0 + ms, temp, 50, 1013.5, 0.25);

    [Fact]
    public async Task A_name_and_stream_are_sent_in_the_first_event_that_uses_them_and_later_events_refer_to_the_stream_by_index()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        var hello = (await sse.NextAsync())!.Value;
        Assert.Equal((":", "connected"), (hello.Event, hello.Data)); // nothing streamed yet: no names

        Publish(api, "acme", A, "tag1", 0, 4.5);
        api.Hub.Flush();
        Publish(api, "acme", B, "tag2", 1, 5.5);
        Publish(api, "acme", A, "tag1", 2, 4.75);
        api.Hub.Flush();
        Publish(api, "acme", B, "tag2", 3, 5.25);
        Publish(api, "acme", A, "tag1", 4, 4.5);
        api.Hub.Flush();
        var first = (await sse.NextEventAsync())!.Value;
        var second = (await sse.NextEventAsync())!.Value;
        var third = (await sse.NextEventAsync())!.Value;

        Assert.Equal($"{{\"fleet\":\"acme\",\"t0\":{T0},\"containers_from\":0,\"containers\":[\"{A}\"],\"tags_from\":0,\"tags\":[\"tag1\"],"
            + "\"streams_from\":0,\"streams\":[[0,0]],\"readings\":[[0,0,4.5,50,1013.5,0.25]]}", first.Data);
        // Only B/tag2 is new: A/tag1 is stream 0 from the event before.
        Assert.Equal($"{{\"fleet\":\"acme\",\"t0\":{T0 + 1},\"containers_from\":1,\"containers\":[\"{B}\"],\"tags_from\":1,\"tags\":[\"tag2\"],"
            + "\"streams_from\":1,\"streams\":[[1,1]],\"readings\":[[1,0,5.5,50,1013.5,0.25],[0,1,4.75,50,1013.5,0.25]]}", second.Data);
        // Nothing new: no name or stream at all, the steady state; a reading's stream is one index.
        Assert.Equal($"{{\"fleet\":\"acme\",\"t0\":{T0 + 3},\"containers_from\":2,\"containers\":[],\"tags_from\":2,\"tags\":[],"
            + "\"streams_from\":2,\"streams\":[],\"readings\":[[1,0,5.25,50,1013.5,0.25],[0,1,4.5,50,1013.5,0.25]]}", third.Data);
        Assert.Equal(
            [
                Expected("acme", A, "tag1", 0, 4.5), Expected("acme", B, "tag2", 1, 5.5), Expected("acme", A, "tag1", 2, 4.75),
                Expected("acme", B, "tag2", 3, 5.25), Expected("acme", A, "tag1", 4, 4.5),
            ],
            new[] { first, second, third }.SelectMany(sse.Readings));
    }

    [Fact]
    public async Task A_client_connecting_mid_stream_gets_the_fleets_names_first_without_an_id_and_decodes_every_reading()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        Publish(api, "acme", A, "tag1", 0, 1);
        api.Hub.Flush();
        Publish(api, "acme", B, "tag2", 1, 2);
        api.Hub.Flush();
        long lastId = api.Hub.LastId;

        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        Assert.Equal(":", (await sse.NextAsync())!.Value.Event);
        var names = (await sse.NextAsync())!.Value;
        Assert.Equal(((string?)null, "names"), (names.Id, names.Event)); // not an event of the window: Last-Event-ID stays
        Assert.Equal($"{{\"fleet\":\"acme\",\"containers\":[\"{A}\",\"{B}\"],\"tags\":[\"tag1\",\"tag2\"],\"streams\":[[0,0],[1,1]]}}",
            names.Data);

        Publish(api, "acme", B, "tag1", 2, 3); // known names, a new pair: a new stream only
        Publish(api, "acme", C, "tag2", 3, 4); // a new container
        api.Hub.Flush();
        var e = (await sse.NextEventAsync())!.Value;
        Assert.Equal((lastId + 1).ToString(CultureInfo.InvariantCulture), e.Id);
        Assert.Contains($"\"containers_from\":2,\"containers\":[\"{C}\"],\"tags_from\":2,\"tags\":[],\"streams_from\":2,\"streams\":[[1,0],[2,1]],"
            + "\"readings\":[[2,", e.Data);
        Assert.Equal([Expected("acme", B, "tag1", 2, 3), Expected("acme", C, "tag2", 3, 4)], sse.Readings(e));
    }

    [Fact]
    public async Task A_client_resuming_with_Last_Event_ID_decodes_every_reading_it_missed_and_the_live_ones_with_their_names()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        Publish(api, "acme", A, "tag1", 0, 1);
        api.Hub.Flush();
        string lastId;
        await using (SseClient first = await SseClient.OpenAsync(api.Client, "/api/v1/stream"))
        {
            Publish(api, "acme", A, "tag1", 1, 2);
            api.Hub.Flush();
            var got = (await first.NextEventAsync())!.Value;
            Assert.Equal([Expected("acme", A, "tag1", 1, 2)], first.Readings(got));
            lastId = got.Id!;
        }

        // While away: new containers and tags (their names in the missed events), in two fleets, and known ones.
        List<StreamReading> expected = [];
        void Send(string fleet, string container, string tag, int ms, double temp)
        {
            Publish(api, fleet, container, tag, ms, temp);
            expected.Add(Expected(fleet, container, tag, ms, temp));
        }
        Send("acme", B, "tag2", 2, 3);
        Send("acme", A, "tag1", 3, 4);
        api.Hub.Flush();
        Send("north", C, "tag9", 4, 5);
        Send("acme", C, "tag1", 5, 6);
        api.Hub.Flush();
        Send("acme", B, "tag2", 6, 7);
        api.Hub.Flush();

        await using SseClient resumed = await SseClient.OpenAsync(api.Client, "/api/v1/stream", lastEventId: lastId);
        Assert.Equal(":", (await resumed.NextAsync())!.Value.Event);
        Assert.Equal(["names", "names"], [(await resumed.NextAsync())!.Value.Event, (await resumed.NextAsync())!.Value.Event]);
        // The tables as they are now: ahead of the replay's first events, which name B and C and their streams again (a
        // client keeps the first containers_from names and appends the event's: the same names at the same indexes; the
        // same for tags and streams).
        Assert.Equal([A, B, C], resumed.Decoder.Containers("acme"));
        Assert.Equal([(A, "tag1"), (B, "tag2"), (C, "tag1")], resumed.Decoder.Streams("acme"));
        Send("acme", D, "tag3", 7, 8); // live, after the replay
        api.Hub.Flush();
        List<StreamReading> got2 = [];
        long previous = long.Parse(lastId, CultureInfo.InvariantCulture);
        while (got2.Count < expected.Count)
        {
            var e = (await resumed.NextEventAsync())!.Value;
            Assert.Equal(previous + 1, long.Parse(e.Id!, CultureInfo.InvariantCulture)); // nothing lost, nothing twice
            previous++;
            got2.AddRange(resumed.Readings(e));
        }
        Assert.Equal(expected.OrderBy(r => r.Fleet, StringComparer.Ordinal).ThenBy(r => r.TimeMs),
            got2.OrderBy(r => r.Fleet, StringComparer.Ordinal).ThenBy(r => r.TimeMs));
    }

    [Fact]
    public async Task The_names_a_connection_gets_are_those_of_its_fleets_only()
    {
        const string Full = "full-token-0123456789", Acme = "acme-token-0123456789";
        await using ApiHost api = await ApiHost.StartAsync(tokenFileText: $"{Full}\n{Acme} acme\n");
        Publish(api, "acme", A, "tag1", 0, 1);
        Publish(api, "other", B, "secret-tag", 0, 2);
        api.Hub.Flush();

        async Task<List<string>> NamesAsync(string url, string token)
        {
            await using SseClient sse = await SseClient.OpenAsync(api.Client, url, token: token);
            Assert.Equal(":", (await sse.NextAsync())!.Value.Event);
            List<string> names = [];
            // The names events come at once, before anything else; then the stream idles (a heartbeat after 15 s of the
            // manual clock, which does not move): read what came, and stop at the first wait.
            while (true)
            {
                Task<(string? Id, string Event, string Data)?> next = sse.NextAsync();
                if (await Task.WhenAny(next, Task.Delay(500)) != next) break;
                var frame = (await next)!.Value;
                Assert.Equal("names", frame.Event);
                names.Add(frame.Data);
            }
            return names;
        }

        string acme = $"{{\"fleet\":\"acme\",\"containers\":[\"{A}\"],\"tags\":[\"tag1\"],\"streams\":[[0,0]]}}";
        string other = $"{{\"fleet\":\"other\",\"containers\":[\"{B}\"],\"tags\":[\"secret-tag\"],\"streams\":[[0,0]]}}";
        Assert.Equal([acme], await NamesAsync("/api/v1/stream", Acme));
        Assert.Equal([other], await NamesAsync("/api/v1/stream?fleet=other", Full));
        Assert.Equal([acme, other], (await NamesAsync("/api/v1/stream", Full)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_fleet_whose_names_would_pass_Live_StreamNames_starts_a_new_table_that_every_client_follows()
    {
        // 7 names and streams at most: A, B, C, tag1 and their three streams fill acme's table; D/tag1 needs two more.
        await using ApiHost api = await ApiHost.StartAsync(settings: new() { ["Live:StreamNames"] = "7" });
        await using SseClient live = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        Assert.Equal(":", (await live.NextAsync())!.Value.Event);
        Publish(api, "acme", A, "tag1", 0, 1);
        Publish(api, "acme", B, "tag1", 1, 2);
        api.Hub.Flush();
        string beforeNew = api.Hub.LastId.ToString(CultureInfo.InvariantCulture);
        Publish(api, "acme", C, "tag1", 2, 3);
        Publish(api, "acme", D, "tag1", 3, 4); // the open batch (C) leaves on the old table, D starts the new one
        Publish(api, "acme", A, "tag1", 4, 5);
        api.Hub.Flush();

        var old = (await live.NextEventAsync())!.Value;
        var closed = (await live.NextEventAsync())!.Value;
        var renewed = (await live.NextEventAsync())!.Value;
        Assert.Contains($"\"containers_from\":2,\"containers\":[\"{C}\"],\"tags_from\":1,\"tags\":[],\"streams_from\":2,\"streams\":[[2,0]]",
            closed.Data);
        // From index 0 again: the client drops the fleet's old names and streams; the event names all it uses.
        Assert.Contains(
            $"\"containers_from\":0,\"containers\":[\"{D}\",\"{A}\"],\"tags_from\":0,\"tags\":[\"tag1\"],\"streams_from\":0,\"streams\":[[0,0],[1,0]]",
            renewed.Data);
        List<StreamReading> all = [Expected("acme", A, "tag1", 0, 1), Expected("acme", B, "tag1", 1, 2), Expected("acme", C, "tag1", 2, 3),
            Expected("acme", D, "tag1", 3, 4), Expected("acme", A, "tag1", 4, 5)];
        Assert.Equal(all, new[] { old, closed, renewed }.SelectMany(live.Readings));
        Assert.Equal([D, A], live.Decoder.Containers("acme"));
        Assert.Equal([(D, "tag1"), (A, "tag1")], live.Decoder.Streams("acme"));

        // A client resuming from before the new table gets the old one (its replay refers to it), then follows the change.
        await using SseClient resumed = await SseClient.OpenAsync(api.Client, "/api/v1/stream", lastEventId: beforeNew);
        Assert.Equal(":", (await resumed.NextAsync())!.Value.Event);
        Assert.Equal("names", (await resumed.NextAsync())!.Value.Event);
        Assert.Equal([A, B, C], resumed.Decoder.Containers("acme"));
        Assert.Equal(all[2..], new[] { (await resumed.NextEventAsync())!.Value, (await resumed.NextEventAsync())!.Value }.SelectMany(resumed.Readings));

        // A fresh client gets the new table only: at most Live:StreamNames names and streams.
        await using SseClient fresh = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        Assert.Equal(":", (await fresh.NextAsync())!.Value.Event);
        Assert.Equal($"{{\"fleet\":\"acme\",\"containers\":[\"{D}\",\"{A}\"],\"tags\":[\"tag1\"],\"streams\":[[0,0],[1,0]]}}",
            (await fresh.NextAsync())!.Value.Data);
        Publish(api, "acme", A, "tag1", 5, 6);
        api.Hub.Flush();
        Assert.Equal([Expected("acme", A, "tag1", 5, 6)], fresh.Readings((await fresh.NextEventAsync())!.Value));
    }

    [Fact]
    public void A_table_of_three_entries_starts_anew_at_every_new_stream_and_every_reading_keeps_its_names()
    {
        using var hub = new StreamHub(Options.Create(new LiveOptions { StreamNames = 3, StreamBatch = TimeSpan.FromSeconds(1) }),
            new ManualTimeProvider());
        var client = new HubClient(hub.Subscribe(FleetScope.All, null));
        // A container, a tag and their stream fill a table of 3: every new stream starts a new one.
        hub.PublishReadings(new("acme", A), "tag1", [new(T0, 1, 50, 1013.5, 0.25), new(T0 + 1, 2, 50, 1013.5, 0.25)]);
        hub.PublishReadings(new("acme", B), "tag1", [new(T0 + 2, 3, 50, 1013.5, 0.25)]);
        hub.PublishReadings(new("acme", B), "tag2", [new(T0 + 3, 4, 50, 1013.5, 0.25)]);
        hub.Flush();
        var events = client.Drain();
        Assert.Equal([2, 1, 1], events.Select(e => e.Event.Weight));
        Assert.Equal([(A, "tag1", 1.0), (A, "tag1", 2), (B, "tag1", 3), (B, "tag2", 4)],
            events.SelectMany(e => e.Readings).Select(r => (r.Container, r.Tag, r.TempC!.Value)));
        Assert.Equal([B], client.Decoder.Containers("acme"));
        Assert.Equal([(B, "tag2")], client.Decoder.Streams("acme"));
    }

    [Fact]
    public void The_boards_cached_name_indexes_follow_every_new_table_and_every_reading_keeps_its_names()
    {
        // 6 names and streams at most. The board keeps each tag's stream index (its StreamNameCache) and the hub takes it
        // without a lookup while the table it was resolved against is the fleet's: across a new table it must be resolved again.
        using var hub = new StreamHub(Options.Create(new LiveOptions { StreamNames = 6, StreamBatch = TimeSpan.FromSeconds(1) }),
            new ManualTimeProvider());
        var board = new LiveBoard(hub);
        var client = new HubClient(hub.Subscribe(FleetScope.All, null));
        List<StreamReading> expected = [];
        void Apply(string container, string tag, int ms)
        {
            board.ApplyReadings(new ContainerKey("acme", container), tag, T0 + ms, [new LiveReading(T0 + ms, ms, 50, 1013.5, 0.25)]);
            expected.Add(Expected("acme", container, tag, ms, ms));
        }

        Apply(B, "tag2", 0); // table 1: B 0, tag2 0, stream 0 (0, 0)
        Apply(A, "tag1", 1); // A 1, tag1 1, stream 1 (1, 1): full
        hub.Flush();
        Apply(A, "tag1", 2); // from A/tag1's cache: stream 1
        Apply(C, "tag1", 3); // C and a stream do not fit: table 2, C 0, tag1 0, stream 0 (0, 0)
        Apply(A, "tag1", 4); // its cache is stream 1 of table 1: resolved again, A 1, stream 1 (1, 0)
        Apply(B, "tag2", 5); // its cache, stream 0, would be C/tag1 in table 2; B, tag2 and a stream do not fit: table 3
        Apply(B, "tag2", 6); // from the cache, resolved against table 3: stream 0
        Apply(A, "tag1", 7); // table 3: A 1, tag1 1, stream 1 (1, 1) (full again)
        hub.Flush();

        var events = client.Drain().Where(e => e.Event.Type == "readings").ToList();
        Assert.Equal(expected, events.SelectMany(e => e.Readings));
        Assert.Equal([B, A], client.Decoder.Containers("acme"));
        Assert.Equal(["tag2", "tag1"], client.Decoder.Tags("acme"));
        Assert.Equal([(B, "tag2"), (A, "tag1")], client.Decoder.Streams("acme"));
        // Every new table's first event names all it uses from index 0.
        Assert.Equal(3, events.Count(e => HubClient.Data(e.Event.Frame).Contains("\"containers_from\":0,", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1_000_001)]
    public void Live_StreamNames_is_bounded(int names)
    {
        var result = new LiveOptionsValidator().Validate(null, new LiveOptions { StreamNames = names });
        Assert.Contains($"Live:StreamNames {names} must be 3 to 1000000 names and streams", result.FailureMessage);
        Assert.True(new LiveOptionsValidator().Validate(null, new LiveOptions { StreamNames = 3 }).Succeeded);
    }
}
