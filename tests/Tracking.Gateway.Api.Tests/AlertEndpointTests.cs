using System.Net;
using System.Text.Json;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Api.Tests;

public class AlertEndpointTests
{
    /// <summary>An alert raised by the engine (the first reading at or above 8 C, no delay); returns its id.</summary>
    private static async Task<long> RaiseAsync(ApiHost api)
    {
        await api.SendAsync(HttpMethod.Put, "/api/v1/profiles/p", """{"bands":[{"metric":"temp_c","kind":"upper","limit":8}]}""");
        await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile", """{"profile":"p","fleet":"acme"}""");
        await api.FeedAsync(5, 9.5);
        JsonElement open = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/alerts?state=open"));
        return Assert.Single(open.EnumerateArray()).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task An_alert_reads_back_with_its_fields()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        long id = await RaiseAsync(api);

        JsonElement alert = await ApiHost.JsonAsync(await api.Client.GetAsync($"/api/v1/alerts/{id}"));

        Assert.Equal(("acme", "CSQU3054383", "temp_high", "temp_c_upper_8", "alarm", "open"),
            (alert.GetProperty("fleet").GetString(), alert.GetProperty("container").GetString(), alert.GetProperty("kind").GetString(),
             alert.GetProperty("band").GetString(), alert.GetProperty("severity").GetString(), alert.GetProperty("state").GetString()));
        Assert.Equal(9.5, alert.GetProperty("value").GetDouble());
        Assert.Equal("tag7", alert.GetProperty("tag").GetString());
        Assert.Equal(api.Time.GetUtcNow().AddMinutes(5), alert.GetProperty("since").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("acknowledged_by").ValueKind);
    }

    [Fact]
    public async Task The_ack_lifecycle_is_visible_in_GET_and_reaches_the_sinks()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        long id = await RaiseAsync(api);
        api.Time.Advance(TimeSpan.FromMinutes(10)); // past the last reading, so the next feed comes after it

        HttpResponseMessage ack = await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{id}/ack", """{"by":"ann","note":"door closed"}""");

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        JsonElement alert = await ApiHost.JsonAsync(await api.Client.GetAsync($"/api/v1/alerts/{id}"));
        Assert.Equal(("acknowledged", "ann", "door closed"),
            (alert.GetProperty("state").GetString(), alert.GetProperty("acknowledged_by").GetString(), alert.GetProperty("acknowledge_note").GetString()));
        Assert.Equal(api.Time.GetUtcNow(), alert.GetProperty("acknowledged_at").GetDateTimeOffset());
        Assert.Empty((await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/alerts?state=open"))).EnumerateArray());
        Assert.Single((await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/alerts?state=acknowledged"))).EnumerateArray());
        Assert.Contains(api.Sink.Notifications, n => n.Transition == AlertTransition.Acknowledged && n.Alert.Id == id);

        // Back inside: the engine resolves it.
        await api.FeedAsync(5);
        JsonElement resolved = Assert.Single((await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/alerts?state=resolved"))).EnumerateArray());
        Assert.Equal("ann", resolved.GetProperty("acknowledged_by").GetString());
    }

    [Fact]
    public async Task A_second_ack_is_409_naming_who_acknowledged()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        long id = await RaiseAsync(api);
        await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{id}/ack", """{"by":"ann"}""");

        HttpResponseMessage again = await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{id}/ack", """{"by":"bob"}""");

        await Problem.AssertAsync(again, HttpStatusCode.Conflict, "already acknowledged by ann");
    }

    [Fact]
    public async Task Acknowledging_a_shock_resolves_it()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile", """{"profile":"frozen","fleet":"acme"}""");
        await api.Engine.ProcessAsync([RuleInput.Shock(ApiHost.Box, "tag7", 1, 1, api.Time.GetUtcNow().ToUnixTimeMilliseconds(), 9)]);
        long id = Assert.Single((await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/alerts"))).EnumerateArray()).GetProperty("id").GetInt64();

        JsonElement acked = await ApiHost.JsonAsync(await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{id}/ack", """{"by":"ann"}"""));

        Assert.Equal(("shock", "resolved", "ann"), (acked.GetProperty("kind").GetString(), acked.GetProperty("state").GetString(),
            acked.GetProperty("acknowledged_by").GetString()));
    }

    [Fact]
    public async Task The_list_filters_by_fleet_container_and_limit()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        var other = new ContainerKey("beta", "MSCU1234565");
        await api.SendAsync(HttpMethod.Put, "/api/v1/containers/MSCU1234565/profile", """{"profile":"pharma_2_8","fleet":"beta"}""");
        await api.SendAsync(HttpMethod.Put, "/api/v1/containers/CSQU3054383/profile", """{"profile":"pharma_2_8","fleet":"acme"}""");
        await api.FeedAsync(20);
        await api.FeedAsync(other, 20);

        async Task<int> Count(string query) => (await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/alerts" + query))).GetArrayLength();

        Assert.Equal(2, await Count(""));
        Assert.Equal(1, await Count("?fleet=beta"));
        Assert.Equal(1, await Count("?container=CSQU3054383"));
        Assert.Equal(0, await Count("?fleet=beta&container=CSQU3054383"));
        Assert.Equal(1, await Count("?limit=1"));
        Assert.Equal(0, await Count("?state=resolved"));
    }

    [Theory]
    [InlineData("/api/v1/alerts?state=closed", "state 'closed' must be open, acknowledged or resolved")]
    [InlineData("/api/v1/alerts?limit=0", "limit '0' must be an integer from 1 to 1000")]
    [InlineData("/api/v1/alerts?fleet=a%20b", "fleet 'a b' must be")]
    [InlineData("/api/v1/alerts/abc", "alert id 'abc' must be a positive integer")]
    public async Task Bad_queries_are_400_naming_the_value(string url, string detail)
    {
        await using ApiHost api = await ApiHost.StartAsync();

        await Problem.AssertAsync(await api.Client.GetAsync(url), HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task An_unknown_alert_is_404_for_GET_and_ack()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/alerts/42"), HttpStatusCode.NotFound, "unknown alert 42");
        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Post, "/api/v1/alerts/42/ack", """{"by":"ann"}"""), HttpStatusCode.NotFound, "unknown alert 42");
    }

    [Theory]
    [InlineData("""{"note":"x"}""", "by")]
    [InlineData("""{"by":"   "}""", "by must be 1 to 128 characters")]
    [InlineData("""{"by":"ann\u0007"}""", "without control characters")]
    public async Task A_bad_ack_body_is_400(string body, string detail)
    {
        await using ApiHost api = await ApiHost.StartAsync();
        long id = await RaiseAsync(api);

        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Post, $"/api/v1/alerts/{id}/ack", body), HttpStatusCode.BadRequest, detail);
    }
}
