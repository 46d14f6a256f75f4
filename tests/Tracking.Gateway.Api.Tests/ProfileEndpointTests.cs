using System.Net;
using System.Text.Json;
using Tracking.Gateway.Api.Tests.Support;

namespace Tracking.Gateway.Api.Tests;

public class ProfileEndpointTests
{
    private const string Vaccine = """
        {"bands":[{"metric":"temp_c","kind":"upper","limit":8.0,"delay_s":1800,"cumulative_s":null,"severity":"alarm","hysteresis":0.5},
                  {"metric":"temp_c","kind":"dual","low":2,"high":8,"delay_s":0,"severity":"critical"},
                  {"metric":"rh","kind":"lower","limit":20}],
         "shock_g":4,"battery_v":3.4,"silence_s":7200,"mkt_limit_c":8,"mkt_window_s":86400}
        """;

    [Fact]
    public async Task The_list_has_the_presets_and_stored_profiles_sorted_by_name()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/vaccine", Vaccine)).StatusCode);

        JsonElement list = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/profiles"));

        string[] names = [.. list.EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];
        Assert.Equal(["chilled_produce", "crt_15_25", "crt_20_25", "dry_goods", "frozen", "pharma_2_8", "vaccine"], names);
        Assert.Equal("stored", list[6].GetProperty("source").GetString());
        Assert.Equal("preset", list[5].GetProperty("source").GetString());
    }

    [Fact]
    public async Task A_put_profile_reads_back_with_every_field_and_the_band_names()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage put = await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/vaccine", Vaccine);
        JsonElement got = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/profiles/vaccine"));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("vaccine", got.GetProperty("name").GetString());
        JsonElement upper = got.GetProperty("bands")[0];
        Assert.Equal(("temp_c", "upper", 8.0, 1800.0, "alarm", 0.5, "temp_c_upper_8"),
            (upper.GetProperty("metric").GetString(), upper.GetProperty("kind").GetString(), upper.GetProperty("limit").GetDouble(),
             upper.GetProperty("delay_s").GetDouble(), upper.GetProperty("severity").GetString(), upper.GetProperty("hysteresis").GetDouble(),
             upper.GetProperty("name").GetString()));
        JsonElement dual = got.GetProperty("bands")[1];
        Assert.Equal((2.0, 8.0, "critical"), (dual.GetProperty("low").GetDouble(), dual.GetProperty("high").GetDouble(), dual.GetProperty("severity").GetString()));
        Assert.Equal(JsonValueKind.Null, dual.GetProperty("limit").ValueKind);
        Assert.Equal("alarm", got.GetProperty("bands")[2].GetProperty("severity").GetString());
        Assert.Equal((4.0, 3.4, 7200.0, 8.0, 86400.0), (got.GetProperty("shock_g").GetDouble(), got.GetProperty("battery_v").GetDouble(),
            got.GetProperty("silence_s").GetDouble(), got.GetProperty("mkt_limit_c").GetDouble(), got.GetProperty("mkt_window_s").GetDouble()));
        Assert.NotNull(await api.Store.GetProfileAsync("vaccine"));
        // The tags of containers using it get the new limits: the listener (the host's config publisher) is told.
        Assert.Equal("vaccine", Assert.Single(api.Listener.Changes).Name);
    }

    [Fact]
    public async Task A_preset_is_served_by_name_and_a_put_of_its_name_replaces_it()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        JsonElement preset = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/profiles/frozen"));
        Assert.Equal("preset", preset.GetProperty("source").GetString());

        await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/frozen", """{"bands":[{"metric":"temp_c","kind":"upper","limit":-20}]}""");

        JsonElement stored = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/profiles/frozen"));
        Assert.Equal(("stored", -20.0), (stored.GetProperty("source").GetString(), stored.GetProperty("bands")[0].GetProperty("limit").GetDouble()));
    }

    [Fact]
    public async Task A_put_makes_the_engine_read_the_profile_again_at_once()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/p", """{"bands":[{"metric":"temp_c","kind":"upper","limit":30}]}""");
        await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile", """{"profile":"p","fleet":"acme"}""");
        await api.FeedAsync(10);

        // Within the engine's ProfileRefresh (1 min, the clock does not move): only the invalidation makes it reread.
        await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/p", """{"bands":[{"metric":"temp_c","kind":"upper","limit":8}]}""");
        api.Time.Advance(TimeSpan.FromSeconds(30));
        await api.FeedAsync(12);

        JsonElement alerts = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/alerts"));
        Assert.Equal("temp_high", Assert.Single(alerts.EnumerateArray()).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task An_unknown_profile_is_404_problem_details()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage response = await api.Client.GetAsync("/api/v1/profiles/nope");

        await Problem.AssertAsync(response, HttpStatusCode.NotFound, "unknown profile 'nope'");
    }
}
