using Tracking.Testing;
using System.Net;
using System.Text.Json;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>The stream's <c>tag_status</c> event: a tag's status as the fleet list shows it, fleet-scoped, resumable with Last-Event-ID.</summary>
public class TagStatusStreamTests
{
    private const string Acme = "acme-token-0123456789";
    private static readonly long T0 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly ContainerKey OtherBox = new("other", "MSCU1234565");

    private static LiveTagStatus Status(long at, double battery, string? firmware = "1.2.0") => new(at, true, battery, -67, 12, firmware, 3600);

    private static JsonElement Data((string? Id, string Event, string Data)? frame) => JsonDocument.Parse(frame!.Value.Data).RootElement;

    [Fact]
    public async Task A_status_message_is_a_tag_status_event_holding_the_tag_as_the_list_shows_it()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        api.Board.ApplyReadings(ApiHost.Box, "tag7", T0, [new LiveReading(T0, 5, 50, 1013, 0.1)]);
        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        await sse.NextAsync();

        api.Board.ApplyStatus(ApiHost.Box, "tag7", Status(T0 + 1000, 3.61));
        var frame = await sse.NextEventAsync();

        Assert.Equal("tag_status", frame!.Value.Event);
        JsonElement e = Data(frame);
        Assert.Equal(("acme", "CSQU3054383"), (e.GetProperty("fleet").GetString(), e.GetProperty("container").GetString()));
        JsonElement status = e.GetProperty("status");
        Assert.Equal(("tag7", true, 3.61, -67L, 12L, "1.2.0", 3600L), (status.GetProperty("tag").GetString(), status.GetProperty("online").GetBoolean(),
            status.GetProperty("battery_v").GetDouble(), status.GetProperty("rssi_dbm").GetInt64(), status.GetProperty("spool_depth").GetInt64(),
            status.GetProperty("firmware").GetString(), status.GetProperty("report_s").GetInt64()));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 1000), status.GetProperty("last_seen").GetDateTimeOffset());
        // Exactly the list's tag entry.
        JsonElement list = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/containers"));
        JsonElement listed = Assert.Single(Assert.Single(list.GetProperty("containers").EnumerateArray()).GetProperty("tags").EnumerateArray());
        Assert.Equal(listed.GetRawText(), status.GetRawText());
    }

    [Fact]
    public async Task The_will_keeps_the_last_battery_in_its_event_and_an_older_status_or_a_refill_is_no_event()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        await sse.NextAsync();

        api.Board.ApplyStatus(ApiHost.Box, "tag7", Status(T0 + 2000, 3.7));
        api.Board.ApplyStatus(ApiHost.Box, "tag7", Status(T0 + 1000, 3.1)); // older: ignored
        api.Board.ApplyStatus(ApiHost.Box, "tag7", Status(T0 + 3000, 3.0), publish: false); // a refill: the view only
        api.Board.ApplyStatus(ApiHost.Box, "tag7", new LiveTagStatus(T0 + 4000, false, double.NaN, null, null, null, null)); // the will

        JsonElement first = Data(await sse.NextEventAsync());
        JsonElement will = Data(await sse.NextEventAsync());
        Assert.Equal((true, 3.7), (first.GetProperty("status").GetProperty("online").GetBoolean(), first.GetProperty("status").GetProperty("battery_v").GetDouble()));
        Assert.Equal((false, 3.0), (will.GetProperty("status").GetProperty("online").GetBoolean(), will.GetProperty("status").GetProperty("battery_v").GetDouble()));
        // Nothing else was sent in between: the next event is a marker sent after.
        api.Board.ApplyStatus(OtherBox, "tag9", Status(T0, 3.3));
        Assert.Equal("tag9", Data(await sse.NextEventAsync()).GetProperty("status").GetProperty("tag").GetString());
    }

    [Fact]
    public async Task A_scoped_token_gets_only_its_fleets_tag_status_and_a_resume_replays_what_it_missed()
    {
        await using ApiHost api = await ApiHost.StartAsync(tokenFileText: $"{ApiHost.Token}\n{Acme} acme\n");
        string lastId;
        await using (SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream", token: Acme))
        {
            Assert.Equal(HttpStatusCode.OK, sse.Response.StatusCode);
            await sse.NextAsync();
            api.Board.ApplyStatus(OtherBox, "tag9", Status(T0, 3.2));
            api.Board.ApplyStatus(ApiHost.Box, "tag7", Status(T0, 3.9));
            var frame = await sse.NextEventAsync();
            Assert.Equal(("tag_status", "acme"), (frame!.Value.Event, Data(frame).GetProperty("fleet").GetString()));
            lastId = frame.Value.Id!;
        }
        // While away: one of another fleet, two of its own.
        api.Board.ApplyStatus(OtherBox, "tag9", Status(T0 + 1000, 3.1));
        api.Board.ApplyStatus(ApiHost.Box, "tag7", Status(T0 + 1000, 3.8));
        api.Board.ApplyStatus(ApiHost.Box, "tag8", Status(T0 + 1000, 3.5));

        await using SseClient again = await SseClient.OpenAsync(api.Client, "/api/v1/stream", lastEventId: lastId, token: Acme);
        Assert.Equal(":", (await again.NextAsync())!.Value.Event);
        List<(string, double)> replayed = [];
        for (int i = 0; i < 2; i++)
        {
            JsonElement s = Data(await again.NextEventAsync()).GetProperty("status");
            replayed.Add((s.GetProperty("tag").GetString()!, s.GetProperty("battery_v").GetDouble()));
        }
        Assert.Equal([("tag7", 3.8), ("tag8", 3.5)], replayed);
    }
}
