using Tracking.Testing;
using System.Diagnostics;
using System.Text.Json;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Profiles;
using Xunit.Abstractions;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// The live view learns a container's profile at once (not at <c>Live:RefreshInterval</c>): when it is first seen, when
/// its fleet's default changes, when its own assignment changes. The clock is manual and never advanced, so the periodic
/// refresh (10 s) never runs: all that shows comes from the immediate reads.
/// </summary>
public class ProfileAtOnceTests(ITestOutputHelper output)
{
    private static readonly long T0 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static void Reading(ApiHost api, ContainerKey key) => api.Board.ApplyReadings(key, "tag7", T0, [new LiveReading(T0, 5, 50, 1013, 0.1)]);

    /// <summary>The profile the list shows for the container, polled (real time) until it is <paramref name="expected"/> or 5 s passed.</summary>
    private static async Task<string?> ProfileSoonAsync(ApiHost api, string container, string? expected)
    {
        string? profile = null;
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            JsonElement page = await ApiHost.JsonAsync(await api.Client.GetAsync($"/api/v1/containers?q={container}"));
            JsonElement c = Assert.Single(page.GetProperty("containers").EnumerateArray());
            JsonElement p = c.GetProperty("profile");
            profile = p.ValueKind == JsonValueKind.Null ? null : p.GetString();
            if (profile == expected) break;
            await Task.Delay(20);
        }
        return profile;
    }

    [Fact]
    public async Task A_container_first_seen_shows_the_default_profile_without_waiting_for_the_refresh()
    {
        await using ApiHost api = await ApiHost.StartAsync(settings: new() { ["Rules:DefaultProfile"] = "pharma_2_8" });
        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        await sse.NextAsync(); // connected

        var clock = Stopwatch.StartNew();
        Reading(api, ApiHost.Box);

        Assert.Equal("pharma_2_8", await ProfileSoonAsync(api, ApiHost.Box.Container, "pharma_2_8"));
        output.WriteLine($"profile listed {clock.Elapsed.TotalMilliseconds:0.0} ms after the first reading (Live:RefreshInterval 10 s, clock never advanced)");
        List<string> events = [];
        JsonElement? profileEvent = null;
        while (profileEvent is null)
        {
            var frame = await sse.NextEventAsync(5000);
            events.Add(frame!.Value.Event);
            if (frame.Value.Event == "profile") profileEvent = JsonDocument.Parse(frame.Value.Data).RootElement;
        }
        Assert.Equal(("acme", "CSQU3054383", "pharma_2_8"), (profileEvent.Value.GetProperty("fleet").GetString(),
            profileEvent.Value.GetProperty("container").GetString(), profileEvent.Value.GetProperty("profile").GetString()));
    }

    [Fact]
    public async Task A_container_with_its_own_assignment_before_its_first_data_shows_it_when_first_seen()
    {
        await using ApiHost api = await ApiHost.StartAsync(settings: new() { ["Rules:DefaultProfile"] = "pharma_2_8" });
        await api.Store.AssignProfileAsync(ApiHost.Box, "dry_goods");
        // Written by another writer of the store (not this gateway's API, which would tell the gateway's directory at
        // once): the directory sees the store's version change at its next check, at most ProfileDirectory.VersionCheck later.
        api.Time.Advance(ProfileDirectory.VersionCheck);

        Reading(api, ApiHost.Box);

        Assert.Equal("dry_goods", await ProfileSoonAsync(api, ApiHost.Box.Container, "dry_goods"));
    }

    [Fact]
    public async Task A_fleet_default_change_shows_on_its_containers_at_once_but_not_on_one_with_its_own_assignment()
    {
        await using ApiHost api = await ApiHost.StartAsync(settings: new() { ["Rules:DefaultProfile"] = "pharma_2_8" });
        var own = new ContainerKey("acme", "MSCU1234565");
        await api.Store.AssignProfileAsync(own, "frozen");
        api.Time.Advance(ProfileDirectory.VersionCheck); // another writer's: seen at the directory's next version check
        Reading(api, ApiHost.Box);
        Reading(api, own);
        Assert.Equal("pharma_2_8", await ProfileSoonAsync(api, ApiHost.Box.Container, "pharma_2_8"));
        Assert.Equal("frozen", await ProfileSoonAsync(api, own.Container, "frozen"));

        var clock = Stopwatch.StartNew();
        HttpResponseMessage put = await api.SendAsync(HttpMethod.Put, "/api/v1/fleets/acme/profile", """{"profile":"dry_goods"}""");
        put.EnsureSuccessStatusCode();

        Assert.Equal("dry_goods", await ProfileSoonAsync(api, ApiHost.Box.Container, "dry_goods"));
        output.WriteLine($"fleet default listed {clock.Elapsed.TotalMilliseconds:0.0} ms after the PUT was sent");
        await Task.Delay(200); // time enough for a wrong change to show too
        Assert.Equal("frozen", await ProfileSoonAsync(api, own.Container, "frozen"));
    }

    [Fact]
    public async Task Profile_events_come_only_when_the_profile_changes()
    {
        await using ApiHost api = await ApiHost.StartAsync(settings: new() { ["Rules:DefaultProfile"] = "pharma_2_8" });
        await using SseClient sse = await SseClient.OpenAsync(api.Client, "/api/v1/stream");
        await sse.NextAsync();

        api.Board.ApplyProfile(ApiHost.Box, "dry_goods"); // not on the board yet: nothing
        Reading(api, ApiHost.Box);
        // The read at first sight done (nothing else reads it again: the clock stands still).
        Assert.Equal("pharma_2_8", await ProfileSoonAsync(api, ApiHost.Box.Container, "pharma_2_8"));
        api.Board.ApplyProfile(ApiHost.Box, "dry_goods");
        api.Board.ApplyProfile(ApiHost.Box, "dry_goods");
        api.Board.ApplyProfile(ApiHost.Box, "frozen");

        List<(string Event, string? Profile)> events = [];
        for (int i = 0; i < 5; i++)
        {
            var frame = await sse.NextEventAsync(5000);
            JsonElement data = JsonDocument.Parse(frame!.Value.Data).RootElement;
            events.Add((frame.Value.Event, frame.Value.Event == "profile" ? data.GetProperty("profile").GetString() : null));
        }
        Assert.Equal([("readings", null), ("state", null), ("profile", "pharma_2_8"), ("profile", "dry_goods"), ("profile", "frozen")], events);
    }
}
