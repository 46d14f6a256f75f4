using Tracking.Testing;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Tracking.Gateway.Tests.Api;

/// <summary>
/// GET /api/v1/stream through the real composition (readings published to mosquitto, through the spool and the live
/// reader): a reconnect with Last-Event-ID gets every event after it, from the window and then live, nothing lost and
/// nothing twice; a fleet-limited token's stream carries only its fleet; a bad or unknown id is 400 or a reset.
/// </summary>
[Collection(WafCollection.Name)]
public sealed class StreamResumeTests(WafGateway gateway)
{
    [Fact]
    public async Task A_reconnect_with_Last_Event_ID_resumes_without_loss_or_duplicates_and_a_north_token_sees_only_north()
    {
        await using SseClient north = await SseClient.OpenAsync(gateway.Http, "/api/v1/stream", token: WafGateway.North);
        Assert.Equal(HttpStatusCode.OK, north.Response.StatusCode);
        Assert.Equal("text/event-stream", north.Response.Content.Headers.ContentType?.MediaType);
        long seq = 100;
        DateTimeOffset time = gateway.T0.AddMinutes(1);
        Task PublishAsync(string fleet, double temp) => gateway.PublishAsync(fleet, fleet == "north" ? WafGateway.NorthBox : WafGateway.SouthBox,
            seq++, time = time.AddSeconds(10), temp);

        long last;
        await using (SseClient first = await SseClient.OpenAsync(gateway.Http, "/api/v1/stream", token: WafGateway.Full))
        {
            var hello = await first.NextAsync();
            Assert.Equal((":", "connected"), (hello?.Event, hello?.Data));
            await PublishAsync("north", 5.10);
            last = (await ReadingsAsync(first, until: 5.10)).Single().Id;
        }

        // While nobody is connected: three north readings and a south one, into the window (the fleet list shows the last).
        await PublishAsync("north", 5.11);
        await PublishAsync("north", 5.12);
        await PublishAsync("north", 5.13);
        await PublishAsync("south", 6.10);
        DateTime end = DateTime.UtcNow.AddSeconds(15);
        while (!(await ListAsync()).Contains("6.1", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < end, "the south reading reached the live view");
            await Task.Delay(50);
        }

        await using SseClient resumed = await SseClient.OpenAsync(gateway.Http, "/api/v1/stream", last.ToString(CultureInfo.InvariantCulture), WafGateway.Full);
        Assert.Equal(HttpStatusCode.OK, resumed.Response.StatusCode);
        await PublishAsync("north", 5.14); // after the reconnect: live
        var got = await ReadingsAsync(resumed, until: 5.14);
        // Readings are batched per fleet (Live:StreamBatch): south's batch may still have been open at the reconnect and
        // then goes out live, after north's 5.14. Either way it comes once, and each fleet's readings in order.
        if (!got.Any(r => r.Fleet == "south")) got.AddRange(await ReadingsAsync(resumed, until: 6.10));
        Assert.Equal(new[] { 5.11, 5.12, 5.13, 5.14 }, got.Where(r => r.Fleet == "north").Select(r => r.Temp));
        Assert.Equal(new[] { 6.10 }, got.Where(r => r.Fleet == "south").Select(r => r.Temp));
        Assert.True(got[0].Id > last, "the first resumed event comes after Last-Event-ID");
        // Ids ascend; readings that arrived within one batch interval share their readings event's id.
        Assert.Equal(got.Select(r => r.Id).Order(), got.Select(r => r.Id));

        // The north stream, connected throughout: north's readings once each, in order, and nothing of south.
        var northGot = await ReadingsAsync(north, until: 5.14, onlyFleet: "north");
        Assert.Equal(new[] { 5.10, 5.11, 5.12, 5.13, 5.14 }, northGot.Select(r => r.Temp));
    }

    [Fact]
    public async Task A_malformed_id_is_400_and_an_unknown_one_a_reset()
    {
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/stream"))
        {
            request.Headers.Authorization = new("Bearer", WafGateway.Full);
            request.Headers.Add("Last-Event-ID", "abc");
            using HttpResponseMessage response = await gateway.Http.SendAsync(request);
            await ApiProblem.AssertAsync(response, HttpStatusCode.BadRequest, "Last-Event-ID 'abc'", "Last-Event-ID abc");
        }

        // An id of an earlier run (before this run's first id, its start time in Unix ms x 1000).
        await using SseClient reset = await SseClient.OpenAsync(gateway.Http, "/api/v1/stream", "1", WafGateway.Full);
        var frame = await reset.NextAsync();
        Assert.Equal("reset", frame?.Event);
        Assert.NotNull(frame?.Id);
    }

    /// <summary>
    /// The readings of the stream's readings events up to the one of temperature <paramref name="until"/>, each with its
    /// event's id; with <paramref name="onlyFleet"/> every event that names a fleet must be of it.
    /// </summary>
    private static async Task<List<(long Id, string Fleet, double Temp)>> ReadingsAsync(SseClient stream, double until, string? onlyFleet = null)
    {
        var got = new List<(long Id, string Fleet, double Temp)>();
        while (true)
        {
            var frame = await stream.NextAsync() ?? throw new InvalidOperationException($"the stream ended before {until}");
            if (frame.Event == ":") continue;
            JsonElement data = JsonDocument.Parse(frame.Data).RootElement;
            JsonElement scope = data.TryGetProperty("alert", out JsonElement alert) ? alert : data;
            if (onlyFleet is not null && scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("fleet", out JsonElement fleet))
            {
                Assert.True(fleet.GetString() == onlyFleet, $"{frame.Event} event of fleet {fleet} on a stream of {onlyFleet}: {frame.Data}");
            }
            if (frame.Event != "readings") continue;
            foreach (StreamReading r in stream.Readings(frame))
            {
                double temp = r.TempC!.Value;
                if (temp < 5.1 && r.Fleet == "north") continue; // the fixture's own first readings
                // Named by index in the fleet's names (docs/api.md, "names"): resolved right, also after a resume.
                Assert.Equal((r.Fleet == "north" ? WafGateway.NorthBox : WafGateway.SouthBox, $"tag-{r.Fleet}"), (r.Container, r.Tag));
                got.Add((long.Parse(frame.Id!, CultureInfo.InvariantCulture), r.Fleet, temp));
                if (temp == until) return got;
            }
        }
    }

    private async Task<string> ListAsync()
    {
        using HttpResponseMessage response = await gateway.SendAsync(HttpMethod.Get, "/api/v1/containers?fleet=south", WafGateway.Full);
        return await response.Content.ReadAsStringAsync();
    }
}
