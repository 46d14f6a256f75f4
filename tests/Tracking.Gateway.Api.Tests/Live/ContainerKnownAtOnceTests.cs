using System.Net;
using System.Text.Json;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// A container is known to the container endpoints as soon as the live view has seen it, not only once the rules saved
/// its state (every <c>Rules:StateSaveInterval</c>): a page opened from a container's first alert answered 404 for
/// about a second in end-to-end runs.
/// </summary>
public class ContainerKnownAtOnceTests
{
    private static readonly ContainerKey Fresh = new("acme", "TGHU1234563");

    [Theory]
    [InlineData("summary")]
    [InlineData("warnings")]
    public async Task A_container_the_live_view_has_seen_resolves_before_the_rules_saved_any_state(string endpoint)
    {
        await using ApiHost api = await ApiHost.StartAsync();
        long t = api.Time.GetUtcNow().ToUnixTimeMilliseconds();
        api.Board.ApplyReadings(Fresh, "tag1", t, [new LiveReading(t, 5, 50, 1013, 0.1)]);
        Assert.DoesNotContain(Fresh, await api.Store.ListContainersAsync()); // the rules have saved nothing of it yet

        using HttpResponseMessage response = await api.Client.GetAsync($"/api/v1/containers/{Fresh.Container}/{endpoint}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonElement body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("acme", Fresh.Container), (body.GetProperty("fleet").GetString(), body.GetProperty("container").GetString()));
    }

    [Fact]
    public async Task A_container_never_seen_is_still_404_and_one_seen_in_two_fleets_needs_its_fleet()
    {
        await using ApiHost api = await ApiHost.StartAsync();
        await Problem.AssertAsync(await api.Client.GetAsync($"/api/v1/containers/{Fresh.Container}/summary"), HttpStatusCode.NotFound, "unknown container");
        await Problem.AssertAsync(await api.Client.GetAsync($"/api/v1/containers/{Fresh.Container}/summary?fleet=acme"), HttpStatusCode.NotFound,
            "unknown container");

        long t = api.Time.GetUtcNow().ToUnixTimeMilliseconds();
        api.Board.ApplyReadings(Fresh, "tag1", t, [new LiveReading(t, 5, 50, 1013, 0.1)]);
        await api.Store.SaveStateAsync(Fresh with { Fleet = "north" }, new byte[] { 1 });

        await Problem.AssertAsync(await api.Client.GetAsync($"/api/v1/containers/{Fresh.Container}/summary"), HttpStatusCode.BadRequest, "acme, north");
    }
}
