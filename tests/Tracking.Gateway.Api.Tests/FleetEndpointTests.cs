using System.Net;
using System.Text.Json;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Api.Tests;

/// <summary>A fleet's default profile: stored as container "*", used by its containers without their own, told to the listeners.</summary>
public class FleetEndpointTests
{
    [Fact]
    public async Task A_fleet_default_applies_to_containers_without_their_own_and_goes_to_the_listeners()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        var other = new ContainerKey("acme", "MSCU1234565");
        await api.SendAsync(HttpMethod.Put, "/api/v1/containers/MSCU1234565/profile", """{"profile":"pharma_2_8","fleet":"acme"}""");

        HttpResponseMessage response = await api.SendAsync(HttpMethod.Put, "/api/v1/fleets/acme/profile", """{"profile":"frozen"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = await ApiHost.JsonAsync(response);
        Assert.Equal(("frozen", "acme"), (body.GetProperty("profile").GetString(), body.GetProperty("fleet").GetString()));
        Assert.Equal("frozen", await api.Store.AssignedProfileAsync(ApiHost.Box));
        Assert.Equal("pharma_2_8", await api.Store.AssignedProfileAsync(other));
        Assert.Null(await api.Store.AssignedProfileAsync(new ContainerKey("beta", "CSQU3054383")));
        (ContainerKey key, Profile profile) = api.Listener.Calls.Last();
        Assert.Equal((ContainerKey.DefaultOf("acme"), "frozen"), (key, profile.Name));
        Assert.True(key.IsFleetDefault);
        Assert.Contains(api.Logs.Lines, l => l.EventId == 805);
    }

    [Fact]
    public async Task The_get_shows_the_fleet_default_or_null_and_the_gateway_default()
    {
        await using ApiHost api = await ApiHost.StartAsync();

        JsonElement none = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/fleets/acme/profile"));
        Assert.Equal(JsonValueKind.Null, none.GetProperty("profile").ValueKind);
        Assert.Equal(JsonValueKind.Null, none.GetProperty("gateway_default").ValueKind);

        await api.SendAsync(HttpMethod.Put, "/api/v1/fleets/acme/profile", """{"profile":"pharma_2_8","fleet":"acme"}""");
        JsonElement set = await ApiHost.JsonAsync(await api.Client.GetAsync("/api/v1/fleets/acme/profile"));
        Assert.Equal(("pharma_2_8", "acme"), (set.GetProperty("profile").GetString(), set.GetProperty("fleet").GetString()));
    }

    [Theory]
    [InlineData("/api/v1/fleets/a.b/profile", """{"profile":"frozen"}""", HttpStatusCode.BadRequest, "fleet 'a.b' must be 1 to 64")]
    [InlineData("/api/v1/fleets/acme/profile", """{"profile":"frozen","fleet":"beta"}""", HttpStatusCode.BadRequest, "differs from the route's 'acme'")]
    [InlineData("/api/v1/fleets/acme/profile", """{"profile":null}""", HttpStatusCode.BadRequest, "profile")]
    [InlineData("/api/v1/fleets/acme/profile", """{}""", HttpStatusCode.BadRequest, "profile")]
    [InlineData("/api/v1/fleets/acme/profile", """{"profile":"Frozen!"}""", HttpStatusCode.BadRequest, "profile name 'Frozen!' must match")]
    [InlineData("/api/v1/fleets/acme/profile", """{"profile":"nope"}""", HttpStatusCode.NotFound, "unknown profile 'nope'")]
    [InlineData("/api/v1/fleets/acme/profile", """{"profile":"frozen","extra":1}""", HttpStatusCode.BadRequest, "extra")]
    public async Task A_bad_fleet_default_is_refused_with_the_reason_and_nothing_is_assigned(string url, string body, HttpStatusCode status, string detail)
    {
        await using ApiHost api = await ApiHost.StartAsync();

        await Problem.AssertAsync(await api.SendAsync(HttpMethod.Put, url, body), status, detail);
        Assert.Null(await api.Store.AssignedProfileAsync(ApiHost.Box));
        Assert.Empty(api.Listener.Calls);
    }
}
