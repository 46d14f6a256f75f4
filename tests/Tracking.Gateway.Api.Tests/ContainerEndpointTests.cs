using System.Net;
using System.Text.Json;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Api.Tests;

/// <summary>Profile assignment (with its fleet) and the engine's summary of a container.</summary>
public class ContainerEndpointTests
{
    [Fact]
    public async Task An_assignment_is_stored_echoed_and_handed_to_the_listeners()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage response = await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile", """{"profile":"pharma_2_8","fleet":"acme"}""");

        JsonElement body = await ApiHost.JsonAsync(response);
        Assert.Equal(("pharma_2_8", "acme", "CSQU3054383"),
            (body.GetProperty("profile").GetString(), body.GetProperty("fleet").GetString(), body.GetProperty("container").GetString()));
        Assert.Equal("pharma_2_8", await api.Store.AssignedProfileAsync(ApiHost.Box));
        (ContainerKey container, Profile profile) = Assert.Single(api.Listener.Calls);
        Assert.Equal((ApiHost.Box, "pharma_2_8", 8.0), (container, profile.Name, profile.MktLimitC));
    }

    [Fact]
    public async Task The_fleet_may_come_from_the_query()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile?fleet=acme", """{"profile":"frozen"}""");

        Assert.Equal("frozen", await api.Store.AssignedProfileAsync(ApiHost.Box));
    }

    [Fact]
    public async Task Without_a_fleet_the_one_fleet_the_container_has_data_in_is_used()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await api.FeedAsync(5);

        HttpResponseMessage response = await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile", """{"profile":"frozen"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("frozen", await api.Store.AssignedProfileAsync(ApiHost.Box));
    }

    [Fact]
    public async Task Without_a_fleet_a_container_of_no_fleet_or_of_two_must_name_it()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        const string url = "/api/v1/containers/CSQU3054383/profile";

        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Put, url, """{"profile":"frozen"}"""), HttpStatusCode.NotFound, "unknown container 'CSQU3054383'");
        await api.FeedAsync(5);
        await api.FeedAsync(new ContainerKey("beta", ApiHost.Box.Container), 5);
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Put, url, """{"profile":"frozen"}"""), HttpStatusCode.BadRequest,
            "known in several fleets (acme, beta)");
        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers/CSQU3054383/summary"), HttpStatusCode.BadRequest,
            "known in several fleets (acme, beta)");
    }

    [Fact]
    public async Task An_unknown_profile_is_404_and_nothing_is_assigned()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        HttpResponseMessage response = await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile", """{"profile":"nope","fleet":"acme"}""");

        await Problem.AssertAsync(response, HttpStatusCode.NotFound, "unknown profile 'nope'");
        Assert.Null(await api.Store.AssignedProfileAsync(ApiHost.Box));
        Assert.Empty(api.Listener.Calls);
    }

    [Fact]
    public async Task A_failing_listener_is_logged_and_the_assignment_stands()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        api.Listener.Fail = true;

        HttpResponseMessage response = await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile", """{"profile":"frozen","fleet":"acme"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("frozen", await api.Store.AssignedProfileAsync(ApiHost.Box));
        Assert.Contains(api.Logs.Lines, l => l.EventId == 804);
    }

    [Theory]
    [InlineData("/api/v1/containers/CSQU3054383/profile", """{"profile":"frozen","fleet":"a.b"}""", "fleet 'a.b' must be 1 to 64 of [A-Za-z0-9_-]")]
    [InlineData("/api/v1/containers/CSQU3054383/profile?fleet=x", """{"profile":"frozen","fleet":"acme"}""", "differs from ?fleet=x")]
    [InlineData("/api/v1/containers/CSQU3054383/profile", """{"profile":"Frozen!","fleet":"acme"}""", "profile name 'Frozen!' must match")]
    [InlineData("/api/v1/containers/CSQU3054383/profile", """{"fleet":"acme"}""", "profile")]
    [InlineData("/api/v1/containers/CSQU%2B3054383/profile", """{"profile":"frozen","fleet":"acme"}""", "container 'CSQU+3054383' must be")]
    public async Task A_bad_assignment_is_400_naming_the_reason(string url, string body, string detail)
    {
        await using ApiHost api = await ApiHost.StartAsync();

        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Put, url, body), HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task The_summary_has_mkt_excursions_shocks_and_unknown_time_per_tag()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile", """{"profile":"pharma_2_8","fleet":"acme"}""");
        DateTimeOffset t0 = api.Time.GetUtcNow();
        await api.FeedAsync(5, 9, 9, 5);
        await api.Engine.ProcessAsync([RuleInput.Shock(ApiHost.Box, "tag7", 1, 1, t0.AddMinutes(1).ToUnixTimeMilliseconds(), 6.5)]);

        JsonElement summary = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/containers/CSQU3054383/summary?fleet=acme"));

        Assert.Equal(("acme", "CSQU3054383"), (summary.GetProperty("fleet").GetString(), summary.GetProperty("container").GetString()));
        JsonElement tag = Assert.Single(summary.GetProperty("tags").EnumerateArray());
        Assert.Equal("tag7", tag.GetProperty("tag").GetString());
        Assert.Equal((t0, t0.AddMinutes(15)), (tag.GetProperty("first_reading").GetDateTimeOffset(), tag.GetProperty("last_reading").GetDateTimeOffset()));
        Assert.InRange(tag.GetProperty("mkt_trip_c").GetDouble(), 7.0, 9.0);
        Assert.Equal(0, tag.GetProperty("unknown_s").GetDouble());
        JsonElement excursion = Assert.Single(tag.GetProperty("excursions").EnumerateArray());
        Assert.Equal(("temp_c_upper_8", 9.0, 600.0), (excursion.GetProperty("band").GetString(), excursion.GetProperty("peak").GetDouble(),
            excursion.GetProperty("duration_s").GetDouble()));
        Assert.Equal((1, 6.5), (tag.GetProperty("shock_count").GetInt32(), tag.GetProperty("shock_max_g").GetDouble()));
        Assert.Equal(6.5, Assert.Single(tag.GetProperty("shocks").EnumerateArray()).GetProperty("g").GetDouble());
    }

    [Fact]
    public async Task The_summary_infers_the_fleet_and_404s_an_unknown_container()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await api.FeedAsync(5, 6);

        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/api/v1/containers/CSQU3054383/summary")).StatusCode);
        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers/CSQU3054383/summary?fleet=beta"), HttpStatusCode.NotFound,
            "unknown container 'CSQU3054383' in fleet 'beta'");
        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers/MSCU1234565/summary"), HttpStatusCode.NotFound,
            "unknown container 'MSCU1234565'");
    }

    [Fact]
    public async Task The_warnings_show_a_ramp_heading_for_its_alarm_in_snake_case()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile", """{"profile":"pharma_2_8","fleet":"acme"}""");
        DateTimeOffset t0 = api.Time.GetUtcNow();
        // 4.0 + 0.1 i every 5 min (1.2 degC/h): 8.0 at minute 200, the 30-min delay complete at minute 230. Within the 2 h
        // horizon from minute 110, first seen by the fit of minute 120 (fitted every Rules:PredictionRefit, 15 min, until
        // a warning is pending), confirmed 30 min later (minute 150); at minute 170 the warning is in force.
        await api.FeedAsync([.. Enumerable.Range(0, 35).Select(i => 4.0 + (0.1 * i))]);

        JsonElement body = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/containers/CSQU3054383/warnings"));

        Assert.Equal(("acme", "CSQU3054383"), (body.GetProperty("fleet").GetString(), body.GetProperty("container").GetString()));
        JsonElement w = Assert.Single(body.GetProperty("warnings").EnumerateArray());
        Assert.Equal(("tag7", "temp_c_upper_8", "temp_high", "alarm"), (w.GetProperty("tag").GetString(), w.GetProperty("band").GetString(),
            w.GetProperty("kind").GetString(), w.GetProperty("severity").GetString()));
        Assert.Equal(8.0, w.GetProperty("limit").GetDouble());
        Assert.Equal(t0.AddMinutes(200), w.GetProperty("predicted_breach").GetDateTimeOffset());
        Assert.Equal(t0.AddMinutes(230), w.GetProperty("predicted_alarm").GetDateTimeOffset());
        Assert.Equal(1.2, w.GetProperty("slope_per_h").GetDouble(), 9);
        Assert.Equal(t0.AddMinutes(150), w.GetProperty("issued_at").GetDateTimeOffset());
        Assert.Equal(t0.AddMinutes(170), w.GetProperty("updated_at").GetDateTimeOffset());
        Assert.Equal(19, w.GetProperty("points").GetInt32());
    }

    [Fact]
    public async Task The_warnings_of_a_steady_container_are_empty_and_of_an_unknown_one_404()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await api.FeedAsync(5, 5, 5);

        JsonElement body = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/containers/CSQU3054383/warnings"));
        Assert.Equal(0, body.GetProperty("warnings").GetArrayLength());
        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers/MSCU1234565/warnings?fleet=acme"), HttpStatusCode.NotFound,
            "unknown container 'MSCU1234565' in fleet 'acme'");
        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers/bad%20id/warnings"), HttpStatusCode.BadRequest,
            "must be 1 to 64");
    }
}
