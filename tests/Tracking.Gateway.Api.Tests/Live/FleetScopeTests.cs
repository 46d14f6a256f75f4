using Tracking.Testing;
using System.Net;
using System.Text.Json;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Input;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// Tokens limited to fleets ("TOKEN fleet1,fleet2" in the token file): such a token sees and changes only its fleets on
/// every endpoint, the stream included, and once one exists a GET without a token is refused.
/// </summary>
public class FleetScopeTests
{
    private const string Full = "full-token-0123456789", Acme = "acme-token-0123456789", Both = "both-token-0123456789";
    private static readonly ContainerKey AcmeBox = new("acme", "CSQU3054383"), OtherBox = new("other", "MSKU1234565");
    private static readonly string Tokens = $"{Full}\n{Acme} acme\n{Both}   acme, other\n";

    private static async Task<ApiHost> StartAsync()
    {
        ApiHost api = await ApiHost.StartAsync(tokenFileText: Tokens);
        long t = api.Time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (ContainerKey box in new[] { AcmeBox, OtherBox })
        {
            api.Board.ApplyReadings(box, "tag7", t, [new LiveReading(t, 5, 50, 1013, 0.1)]);
            // A shock raises an alert in each fleet (any profile counts shocks).
            await api.SendAsync(HttpMethod.Put, $"/api/v1/containers/{box.Container}/profile", $$"""{"profile":"frozen","fleet":"{{box.Fleet}}"}""", Full);
            await api.Engine.ProcessAsync([RuleInput.Reading(box, "tag7", 1, 1, t, -20), RuleInput.Shock(box, "tag7", 1, 1, t, 9)]);
        }
        return api;
    }

    private static async Task<JsonElement> GetAsync(ApiHost api, string url, string token)
    {
        HttpResponseMessage response = await api.SendAsync(HttpMethod.Get, url, token: token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ApiHost.JsonAsync(response);
    }

    [Fact]
    public async Task A_scoped_token_lists_only_its_fleets_containers_and_alerts()
    {
        await using ApiHost api = await StartAsync();

        JsonElement list = await GetAsync(api, "/api/v1/containers", Acme);
        Assert.Equal(["acme"], list.GetProperty("containers").EnumerateArray().Select(c => c.GetProperty("fleet").GetString()));
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(["acme"], (await GetAsync(api, "/api/v1/alerts", Acme)).EnumerateArray().Select(a => a.GetProperty("fleet").GetString()));
        Assert.Equal(2, (await GetAsync(api, "/api/v1/alerts", Both)).GetArrayLength());
        Assert.Equal(2, (await GetAsync(api, "/api/v1/containers", Full)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task With_scoped_tokens_a_GET_without_a_token_is_401()
    {
        await using ApiHost api = await StartAsync();

        foreach (string url in new[] { "/api/v1/containers", "/api/v1/alerts", "/api/v1/stream", "/api/v1/profiles", "/api/v1/fleets/acme/profile",
            "/api/v1/containers/CSQU3054383/warnings", "/api/v1/containers/CSQU3054383/report?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z" })
        {
            await Problem.AssertAsync(await api.Client.GetAsync(url), HttpStatusCode.Unauthorized, "GETs need an Authorization");
        }
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/containers", token: "not-a-token-0123456789"),
            HttpStatusCode.Unauthorized, "not one of the API tokens");
    }

    [Fact]
    public async Task Without_scoped_tokens_GETs_stay_open_and_see_every_fleet()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        api.Board.ApplyReadings(AcmeBox, "t", 1, [new LiveReading(1, 5, 50, 1013, 0)]);
        api.Board.ApplyReadings(OtherBox, "t", 1, [new LiveReading(1, 5, 50, 1013, 0)]);

        JsonElement list = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/containers"));

        Assert.Equal(2, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Another_fleet_is_403_when_named_and_unknown_when_reached_by_id()
    {
        await using ApiHost api = await StartAsync();
        long otherAlert = (await GetAsync(api, "/api/v1/alerts?fleet=other", Full)).EnumerateArray().Single().GetProperty("id").GetInt64();

        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/containers?fleet=other", token: Acme), HttpStatusCode.Forbidden, "fleet 'other'");
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/alerts?fleet=other", token: Acme), HttpStatusCode.Forbidden, "fleet 'other'");
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Get, $"/api/v1/alerts/{otherAlert}", token: Acme), HttpStatusCode.NotFound, "unknown alert");
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{otherAlert}/ack", """{"by":"eve"}""", Acme),
            HttpStatusCode.NotFound, "unknown alert");
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Put, "/api/v1/containers/MSKU1234565/profile", """{"profile":"dry_goods","fleet":"other"}""", Acme),
            HttpStatusCode.Forbidden, "fleet 'other'");
        // Without the fleet named, the other fleet's container is not found among the token's fleets.
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/containers/MSKU1234565/summary", token: Acme), HttpStatusCode.NotFound,
            "unknown container");
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/containers/MSKU1234565/readings", token: Acme), HttpStatusCode.NotFound,
            "unknown container");
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/stream?fleet=other", token: Acme), HttpStatusCode.Forbidden, "fleet 'other'");
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/containers/MSKU1234565/warnings", token: Acme), HttpStatusCode.NotFound,
            "unknown container");
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/containers/MSKU1234565/warnings?fleet=other", token: Acme),
            HttpStatusCode.Forbidden, "fleet 'other'");
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Get,
            "/api/v1/containers/MSKU1234565/report?fleet=other&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", token: Acme), HttpStatusCode.Forbidden, "fleet 'other'");
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Get, "/api/v1/fleets/other/profile", token: Acme), HttpStatusCode.Forbidden, "fleet 'other'");
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Put, "/api/v1/fleets/other/profile", """{"profile":"dry_goods"}""", Acme),
            HttpStatusCode.Forbidden, "fleet 'other'");
        Assert.Null(await api.Store.AssignedProfileAsync(ContainerKey.DefaultOf("other")));
        // Profiles are every fleet's: a scoped token may read them, not change them.
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/p", """{"bands":[{"metric":"temp_c","kind":"upper","limit":8}]}""", Acme),
            HttpStatusCode.Forbidden, "cannot change profiles");
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Get, "/api/v1/profiles", token: Acme)).StatusCode);
        Assert.Equal("open", (await api.Store.GetAlertAsync(otherAlert))!.State.ToString().ToLowerInvariant());
    }

    [Fact]
    public async Task A_scoped_token_changes_its_own_fleet()
    {
        await using ApiHost api = await StartAsync();
        long acmeAlert = (await GetAsync(api, "/api/v1/alerts", Acme)).EnumerateArray().Single().GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{acmeAlert}/ack", """{"by":"ann"}""", Acme)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile", """{"profile":"dry_goods"}""", Acme)).StatusCode);
        Assert.Equal("dry_goods", await api.Store.AssignedProfileAsync(AcmeBox));
    }

    [Fact]
    public async Task The_stream_of_a_scoped_token_carries_only_its_fleets()
    {
        await using ApiHost api = await StartAsync();
        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream", token: Acme);
        Assert.Equal(HttpStatusCode.OK, sse.Response.StatusCode);
        Assert.Equal(":", (await sse.NextAsync())!.Value.Event);

        long t = api.Time.GetUtcNow().ToUnixTimeMilliseconds() + 1;
        api.Board.ApplyReadings(OtherBox, "tag7", t, [new LiveReading(t, 7, 50, 1013, 0.1)]);
        api.Board.ApplyReadings(AcmeBox, "tag7", t, [new LiveReading(t, 6, 50, 1013, 0.1)]);
        api.Hub.Flush();

        var frame = await sse.NextEventAsync();
        Assert.Equal("acme", JsonDocument.Parse(frame!.Value.Data).RootElement.GetProperty("fleet").GetString());
        if (frame.Value.Event == "readings") Assert.Equal([6.0], sse.Readings(frame.Value).Select(r => r.TempC!.Value));
    }

    [Theory]
    [InlineData("abcdefghijklmnop0123 acme,", "fleet list")]
    [InlineData("abcdefghijklmnop0123 ac/me", "fleet list")]
    [InlineData("short acme", "shorter than 16")]
    public async Task A_bad_token_line_stops_the_start(string line, string message)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ApiHost.StartAsync(tokenFileText: line));
        Assert.Contains(message, ex.Message);
    }
}
