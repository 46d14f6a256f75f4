using System.Net;
using System.Text.Json;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>GET /api/v1/containers: the live view's content, state rule, filters, order, paging and refusals.</summary>
public class ContainerListTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static LiveReading R(long t, double temp) => new(t, temp, 50, 1013, double.NaN);

    private static async Task<JsonElement> ListAsync(ApiHost api, string query = "")
    {
        HttpResponseMessage response = await api.Client.GetAsync("/api/v1/containers" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ApiHost.JsonAsync(response);
    }

    private static string[] Names(JsonElement page) =>
        [.. page.GetProperty("containers").EnumerateArray().Select(c => c.GetProperty("container").GetString()!)];

    [Fact]
    public async Task A_container_shows_its_newest_reading_over_its_tags_and_each_tag_status()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        var box = new ContainerKey("acme", "CSQU3054383");
        api.Board.ApplyReadings(box, "tag-b", T0 + 1000, [R(T0, 4.0), R(T0 + 600_000, 5.0)]);
        // A backlog of tag-a that arrives later but is older does not replace the newest reading.
        api.Board.ApplyReadings(box, "tag-a", T0 + 2000, [R(T0 - 600_000, 9.0)]);
        api.Board.ApplyStatus(box, "tag-a", new LiveTagStatus(T0 + 3000, true, 3.61, -67, 12, "1.2.0", 3600));
        // The will: offline, the rest of the last status stays.
        api.Board.ApplyStatus(box, "tag-a", new LiveTagStatus(T0 + 4000, false, double.NaN, null, null, null, null));

        JsonElement c = Assert.Single((await ListAsync(api)).GetProperty("containers").EnumerateArray());

        Assert.Equal(("acme", "CSQU3054383", "ok"), (c.GetProperty("fleet").GetString(), c.GetProperty("container").GetString(), c.GetProperty("state").GetString()));
        JsonElement reading = c.GetProperty("reading");
        Assert.Equal(("tag-b", 5.0), (reading.GetProperty("tag").GetString(), reading.GetProperty("temp_c").GetDouble()));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 600_000), reading.GetProperty("time").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, reading.GetProperty("peak_g").ValueKind);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 4000), c.GetProperty("last_seen").GetDateTimeOffset());
        JsonElement[] tags = [.. c.GetProperty("tags").EnumerateArray()];
        Assert.Equal(["tag-a", "tag-b"], tags.Select(t => t.GetProperty("tag").GetString()));
        Assert.Equal((false, 3.61, -67L, 12L, "1.2.0", 3600L), (tags[0].GetProperty("online").GetBoolean(), tags[0].GetProperty("battery_v").GetDouble(),
            tags[0].GetProperty("rssi_dbm").GetInt64(), tags[0].GetProperty("spool_depth").GetInt64(), tags[0].GetProperty("firmware").GetString(),
            tags[0].GetProperty("report_s").GetInt64()));
        Assert.Equal(JsonValueKind.Null, tags[1].GetProperty("battery_v").ValueKind);
    }

    [Fact]
    public async Task An_alert_of_the_rules_makes_the_container_an_excursion_with_the_alert_and_its_profile_listed()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        api.Board.ApplyReadings(ApiHost.Box, "tag7", T0, [R(T0, 5)]);
        await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/p", """{"bands":[{"metric":"temp_c","kind":"upper","limit":8}]}""");
        await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile", """{"profile":"p","fleet":"acme"}""");

        await api.FeedAsync(5, 9.5); // the engine raises temp_high; its sink is the board's

        JsonElement c = Assert.Single((await ListAsync(api)).GetProperty("containers").EnumerateArray());
        Assert.Equal(("excursion", "p"), (c.GetProperty("state").GetString(), c.GetProperty("profile").GetString()));
        JsonElement alert = Assert.Single(c.GetProperty("alerts").EnumerateArray());
        Assert.Equal(("temp_high", "open"), (alert.GetProperty("kind").GetString(), alert.GetProperty("state").GetString()));

        await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{alert.GetProperty("id").GetInt64()}/ack", """{"by":"ann"}""");
        c = Assert.Single((await ListAsync(api)).GetProperty("containers").EnumerateArray());
        Assert.Equal("excursion", c.GetProperty("state").GetString()); // acknowledged is not over
        api.Time.Advance(TimeSpan.FromMinutes(10));
        await api.FeedAsync(5);
        c = Assert.Single((await ListAsync(api)).GetProperty("containers").EnumerateArray());
        Assert.Equal("ok", c.GetProperty("state").GetString());
        Assert.Empty(c.GetProperty("alerts").EnumerateArray());
    }

    [Theory]
    [InlineData(new[] { "shock" }, 0, "warning")]
    [InlineData(new string[0], 1, "warning")]
    [InlineData(new[] { "battery_low", "shock" }, 1, "low_battery")]
    [InlineData(new[] { "battery_low", "tag_silent" }, 0, "silent")]
    [InlineData(new[] { "tag_silent", "rh_low" }, 2, "excursion")]
    [InlineData(new[] { "mkt_high" }, 0, "excursion")]
    public void The_state_is_the_most_urgent_of_alerts_and_warnings(string[] kinds, int warnings, string expected)
    {
        var alerts = kinds.Select((k, i) => new Tracking.Gateway.Rules.Alerts.Alert
        {
            Id = i + 1, Key = k, Container = ApiHost.Box, Kind = k, Severity = Tracking.Gateway.Rules.Profiles.Severity.Alarm,
            Since = DateTimeOffset.UnixEpoch, RaisedAt = DateTimeOffset.UnixEpoch,
        }).ToList();
        Assert.Equal(expected, LiveStates.Name(LiveStates.Of(true, alerts, warnings)));
        Assert.Equal(kinds.Length == 0 && warnings == 0 ? "unknown" : expected, LiveStates.Name(LiveStates.Of(false, alerts, warnings)));
    }

    [Fact]
    public async Task Filters_order_and_pages_select_and_count_as_documented()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        for (int i = 0; i < 25; i++)
        {
            var box = new ContainerKey(i % 2 == 0 ? "north" : "south", $"BOX{i:D2}");
            api.Board.ApplyReadings(box, $"tag{i}", T0 + i, [R(T0 + i, 30 - i)]);
        }
        api.Board.ApplyStatus(new ContainerKey("south", "STATUSONLY"), "tagx", new LiveTagStatus(T0, true, 3.0, null, 0, "1", 60));

        JsonElement all = await ListAsync(api, "?sort=container&page_size=10&page=3");
        Assert.Equal((26, 3, 10), (all.GetProperty("total").GetInt32(), all.GetProperty("page").GetInt32(), all.GetProperty("page_size").GetInt32()));
        Assert.Equal(["BOX20", "BOX21", "BOX22", "BOX23", "BOX24", "STATUSONLY"], Names(all));
        Assert.Equal((25, 1), (all.GetProperty("counts").GetProperty("ok").GetInt32(), all.GetProperty("counts").GetProperty("unknown").GetInt32()));

        Assert.Equal(["BOX00", "BOX01"], Names(await ListAsync(api, "?sort=-temp_c&page_size=2")));
        Assert.Equal(["BOX24", "BOX23"], Names(await ListAsync(api, "?sort=temp_c&page_size=2")));
        Assert.Equal("STATUSONLY", Names(await ListAsync(api, "?sort=temp_c"))[^1]); // no reading: last either way
        Assert.Equal("STATUSONLY", Names(await ListAsync(api, "?sort=-temp_c"))[^1]);
        Assert.Equal(13, (await ListAsync(api, "?fleet=north")).GetProperty("total").GetInt32());
        Assert.Equal(["STATUSONLY"], Names(await ListAsync(api, "?state=unknown")));
        Assert.Equal(26, (await ListAsync(api, "?state=unknown,ok")).GetProperty("total").GetInt32());
        Assert.Equal(["BOX11"], Names(await ListAsync(api, "?q=box11")));
        Assert.Equal(["BOX07"], Names(await ListAsync(api, "?q=TAG7")));
        Assert.Empty(Names(await ListAsync(api, "?page=4&page_size=10")));
    }

    [Theory]
    [InlineData("?state=fine", "state 'fine'")]
    [InlineData("?sort=size", "sort 'size'")]
    [InlineData("?page=0", "page '0'")]
    [InlineData("?page=x", "page 'x'")]
    [InlineData("?page_size=1001", "page_size '1001'")]
    [InlineData("?fleet=a%20b", "fleet 'a b'")]
    [InlineData("?q=", "q must be")]
    public async Task Bad_input_is_400_problem_details(string query, string detail)
    {
        await using ApiHost api = await ApiHost.StartAsync();

        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers" + query), HttpStatusCode.BadRequest, detail);
    }
}
