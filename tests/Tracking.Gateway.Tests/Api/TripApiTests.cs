using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Tracking.Gateway.Tests.Api;

/// <summary>
/// docs/api.md "Trips" through the real gateway: start (201, ending the trip in progress), end, list newest first, one
/// trip; the operator token and the fleet scope as on every mutating call; problem details for every refusal; the
/// report of a trip. Each test uses containers of its own (named with <c>?fleet=</c>, as an assignment before data does),
/// except the report's, which needs the readings of <see cref="WafGateway.NorthBox"/>.
/// </summary>
[Collection(WafCollection.Name)]
public sealed class TripApiTests(WafGateway gateway)
{
    /// <summary>To the whole second, as <see cref="Iso"/> writes it.</summary>
    private static DateTimeOffset Whole(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Trips_start_end_list_and_get()
    {
        const string box = "TRIP0000001";
        DateTimeOffset first = Whole(gateway.T0.AddHours(-3));
        JsonElement a = await SendOkAsync(HttpMethod.Post, $"/api/v1/containers/{box}/trips?fleet=north",
            $$"""{"start":"{{Iso(first)}}","reference":"BL-778899/01"}""", HttpStatusCode.Created);
        Assert.Equal(("north", box, "open", "BL-778899/01", "pharma_2_8"), (a.GetProperty("fleet").GetString(), a.GetProperty("container").GetString(),
            a.GetProperty("state").GetString(), a.GetProperty("reference").GetString(), a.GetProperty("profile").GetString()));
        Assert.Equal(first, a.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, a.GetProperty("end").ValueKind);
        long idA = a.GetProperty("id").GetInt64();

        // No body: now, no reference; the trip in progress ends where it begins.
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
        JsonElement b = await SendOkAsync(HttpMethod.Post, $"/api/v1/containers/{box}/trips?fleet=north", null, HttpStatusCode.Created);
        DateTimeOffset startB = b.GetProperty("start").GetDateTimeOffset();
        Assert.InRange(startB, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(JsonValueKind.Null, b.GetProperty("reference").ValueKind);
        long idB = b.GetProperty("id").GetInt64();

        JsonElement list = await SendOkAsync(HttpMethod.Get, $"/api/v1/containers/{box}/trips?fleet=north", null);
        Assert.Equal([idB, idA], list.EnumerateArray().Select(t => t.GetProperty("id").GetInt64()));
        JsonElement endedA = list[1];
        Assert.Equal(("ended", startB), (endedA.GetProperty("state").GetString(), endedA.GetProperty("end").GetDateTimeOffset()));

        JsonElement one = await SendOkAsync(HttpMethod.Get, $"/api/v1/containers/{box}/trips/{idA}?fleet=north", null);
        Assert.Equal(endedA.GetRawText(), one.GetRawText());

        DateTimeOffset end = startB.AddMinutes(1);
        JsonElement ended = await SendOkAsync(HttpMethod.Post, $"/api/v1/containers/{box}/trips/current/end?fleet=north", $$"""{"end":"{{Iso(end)}}"}""");
        Assert.Equal((idB, "ended"), (ended.GetProperty("id").GetInt64(), ended.GetProperty("state").GetString()));
        using HttpResponseMessage again = await gateway.SendAsync(HttpMethod.Post, $"/api/v1/containers/{box}/trips/current/end?fleet=north", WafGateway.Full);
        await ApiProblem.AssertAsync(again, HttpStatusCode.Conflict, "no trip in progress", "a second end");
    }

    [Fact]
    public async Task Every_refusal_is_a_problem_naming_its_reason()
    {
        const string box = "TRIP0000002", u = $"/api/v1/containers/{box}/trips?fleet=north";
        DateTimeOffset t = gateway.T0.AddDays(-2);
        await SendOkAsync(HttpMethod.Post, u, $$"""{"start":"{{Iso(t)}}"}""", HttpStatusCode.Created);
        (HttpMethod Method, string Url, string? Token, string? Body, HttpStatusCode Status, string Detail)[] table =
        [
            (HttpMethod.Post, u, null, "{}", HttpStatusCode.Unauthorized, "token"),
            (HttpMethod.Post, u, WafGateway.Wrong, "{}", HttpStatusCode.Unauthorized, "token"),
            (HttpMethod.Post, $"/api/v1/containers/{box}/trips/current/end?fleet=north", null, "{}", HttpStatusCode.Unauthorized, "token"),
            (HttpMethod.Post, u, WafGateway.Full, """{"reference":"%s"}""".Replace("%s", new string('B', 65), StringComparison.Ordinal),
                HttpStatusCode.BadRequest, "65 characters"),
            (HttpMethod.Post, u, WafGateway.Full, """{"reference":"<script>"}""", HttpStatusCode.BadRequest, "reference must be"),
            (HttpMethod.Post, u, WafGateway.Full, """{"reference":" BL1"}""", HttpStatusCode.BadRequest, "reference must be"),
            (HttpMethod.Post, u, WafGateway.Full, """{"start":"yesterday"}""", HttpStatusCode.BadRequest, "start 'yesterday' is not an ISO 8601 time"),
            (HttpMethod.Post, u, WafGateway.Full, """{"begin":"2026-01-01"}""", HttpStatusCode.BadRequest, "begin"),
            (HttpMethod.Post, u, WafGateway.Full, """{"start":"2999-01-01T00:00:00Z"}""", HttpStatusCode.BadRequest, "ahead of the gateway's clock"),
            // Not after the trip in progress's start: it would end before it began.
            (HttpMethod.Post, u, WafGateway.Full, $$"""{"start":"{{Iso(t)}}"}""", HttpStatusCode.Conflict, "is not after the start of trip"),
            (HttpMethod.Post, u, WafGateway.Full, $$"""{"start":"{{Iso(t.AddHours(-1))}}"}""", HttpStatusCode.Conflict, "is not after the start of trip"),
            (HttpMethod.Post, $"/api/v1/containers/{box}/trips/current/end?fleet=north", WafGateway.Full, $$"""{"end":"{{Iso(t.AddMinutes(-5))}}"}""",
                HttpStatusCode.BadRequest, "is not after the start of trip"),
            (HttpMethod.Post, $"/api/v1/containers/{box}/trips?fleet=north", WafGateway.Full, """{"fleet":"south"}""", HttpStatusCode.BadRequest, "differs"),
            (HttpMethod.Post, "/api/v1/containers/NOSUCHBOX0/trips", WafGateway.Full, "{}", HttpStatusCode.NotFound, "unknown container"),
            (HttpMethod.Post, "/api/v1/containers/bad%20id/trips", WafGateway.Full, "{}", HttpStatusCode.BadRequest, "must be 1 to 64"),
            (HttpMethod.Get, "/api/v1/containers/NOSUCHBOX0/trips", WafGateway.Full, null, HttpStatusCode.NotFound, "unknown container"),
            (HttpMethod.Get, $"/api/v1/containers/{box}/trips/abc?fleet=north", WafGateway.Full, null, HttpStatusCode.BadRequest, "positive integer"),
            (HttpMethod.Get, $"/api/v1/containers/{box}/trips/999999?fleet=north", WafGateway.Full, null, HttpStatusCode.NotFound, "unknown trip 999999"),
        ];
        foreach (var (method, url, token, body, status, detail) in table)
        {
            using HttpResponseMessage response = await gateway.SendAsync(method, url, token, body);
            await ApiProblem.AssertAsync(response, status, detail, $"{method} {url} {body}");
        }

        // An end after its start closes it; the trip before another's end overlaps that one.
        await SendOkAsync(HttpMethod.Post, $"/api/v1/containers/{box}/trips/current/end?fleet=north", $$"""{"end":"{{Iso(t.AddHours(2))}}"}""");
        using HttpResponseMessage overlap = await gateway.SendAsync(HttpMethod.Post, u, WafGateway.Full, $$"""{"start":"{{Iso(t.AddHours(1))}}"}""");
        await ApiProblem.AssertAsync(overlap, HttpStatusCode.Conflict, "overlaps trip", "a start inside the ended trip");
    }

    [Fact]
    public async Task A_token_limited_to_north_starts_and_reads_only_norths_trips()
    {
        const string s = WafGateway.SouthBox;
        JsonElement south = await SendOkAsync(HttpMethod.Post, $"/api/v1/containers/{s}/trips?fleet=south", """{"reference":"SOUTH-1"}""",
            HttpStatusCode.Created);
        long southId = south.GetProperty("id").GetInt64();
        (HttpMethod Method, string Url, string? Body, HttpStatusCode Status, string Detail)[] table =
        [
            (HttpMethod.Post, $"/api/v1/containers/{s}/trips", "{}", HttpStatusCode.NotFound, "unknown container"),
            (HttpMethod.Post, $"/api/v1/containers/{s}/trips?fleet=south", "{}", HttpStatusCode.Forbidden, "south"),
            (HttpMethod.Post, $"/api/v1/containers/{s}/trips", """{"fleet":"south"}""", HttpStatusCode.Forbidden, "south"),
            (HttpMethod.Post, $"/api/v1/containers/{s}/trips/current/end?fleet=south", "{}", HttpStatusCode.Forbidden, "south"),
            (HttpMethod.Get, $"/api/v1/containers/{s}/trips", null, HttpStatusCode.NotFound, "unknown container"),
            (HttpMethod.Get, $"/api/v1/containers/{s}/trips?fleet=south", null, HttpStatusCode.Forbidden, "south"),
            (HttpMethod.Get, $"/api/v1/containers/{s}/trips/{southId}?fleet=south", null, HttpStatusCode.Forbidden, "south"),
            // South's trip id under a north container: unknown there.
            (HttpMethod.Get, $"/api/v1/containers/{WafGateway.NorthBox}/trips/{southId}", null, HttpStatusCode.NotFound, $"unknown trip {southId}"),
            (HttpMethod.Get, $"/api/v1/containers/{s}/report?trip={southId}&fleet=south", null, HttpStatusCode.Forbidden, "south"),
        ];
        foreach (var (method, url, body, status, detail) in table)
        {
            using HttpResponseMessage response = await gateway.SendAsync(method, url, WafGateway.North, body);
            await ApiProblem.AssertAsync(response, status, detail, $"{method} {url}");
        }
        // Its own fleet: allowed, and the south trip is still the only one of south.
        using HttpResponseMessage north = await gateway.SendAsync(HttpMethod.Post, "/api/v1/containers/TRIP0000003/trips?fleet=north", WafGateway.North, "{}");
        Assert.Equal(HttpStatusCode.Created, north.StatusCode);
        JsonElement southTrips = await SendOkAsync(HttpMethod.Get, $"/api/v1/containers/{s}/trips?fleet=south", null);
        Assert.Equal([southId], southTrips.EnumerateArray().Select(t => t.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task The_report_of_a_trip_covers_the_trip_and_names_it()
    {
        const string n = WafGateway.NorthBox;
        // A trip of the north container around its reading (T0), ended an hour later.
        DateTimeOffset start = Whole(gateway.T0.AddMinutes(-30)), end = Whole(gateway.T0.AddMinutes(30));
        JsonElement trip = await SendOkAsync(HttpMethod.Post, $"/api/v1/containers/{n}/trips", $$"""{"start":"{{Iso(start)}}","reference":"BKG 2026/0042"}""",
            HttpStatusCode.Created);
        long id = trip.GetProperty("id").GetInt64();
        await SendOkAsync(HttpMethod.Post, $"/api/v1/containers/{n}/trips/current/end", $$"""{"end":"{{Iso(end)}}"}""");

        JsonElement report = await SendOkAsync(HttpMethod.Get, $"/api/v1/containers/{n}/report?trip={id}", null);
        Assert.Equal((id, "BKG 2026/0042"), (report.GetProperty("trip_id").GetInt64(), report.GetProperty("trip_reference").GetString()));
        Assert.Equal((start, end), (report.GetProperty("from").GetDateTimeOffset(), report.GetProperty("to").GetDateTimeOffset()));
        Assert.Equal((1, 4.5), (report.GetProperty("readings").GetInt32(), report.GetProperty("max_c").GetDouble()));

        using HttpResponseMessage csv = await gateway.SendAsync(HttpMethod.Get, $"/api/v1/containers/{n}/report?trip={id}&format=csv", WafGateway.Full);
        string text = await csv.Content.ReadAsStringAsync();
        Assert.Contains($"summary,,trip,,,{id},,", text);
        Assert.Contains("summary,,trip_reference,,,,,BKG 2026/0042", text);
        Assert.Contains($"filename=\"report-north-{n}-trip{id}.csv\"", csv.Content.Headers.ContentDisposition?.ToString() ?? "");
        using HttpResponseMessage html = await gateway.SendAsync(HttpMethod.Get, $"/api/v1/containers/{n}/report?trip={id}&format=html", WafGateway.Full);
        Assert.Contains($"{id} (BKG 2026/0042)", await html.Content.ReadAsStringAsync());

        // A plain range has no trip; a trip and a range together, or an unknown trip, are refused.
        string range = $"from={Uri.EscapeDataString(Iso(start))}&to={Uri.EscapeDataString(Iso(end))}";
        Assert.Equal(JsonValueKind.Null, (await SendOkAsync(HttpMethod.Get, $"/api/v1/containers/{n}/report?{range}", null)).GetProperty("trip_id").ValueKind);
        (string Url, HttpStatusCode Status, string Detail)[] table =
        [
            ($"/api/v1/containers/{n}/report?trip={id}&{range}", HttpStatusCode.BadRequest, "either trip or from and to"),
            ($"/api/v1/containers/{n}/report?trip=x", HttpStatusCode.BadRequest, "positive integer"),
            ($"/api/v1/containers/{n}/report?trip=999999", HttpStatusCode.NotFound, "unknown trip 999999"),
        ];
        foreach (var (url, status, detail) in table)
        {
            using HttpResponseMessage response = await gateway.SendAsync(HttpMethod.Get, url, WafGateway.Full);
            await ApiProblem.AssertAsync(response, status, detail, url);
        }

        JsonElement openApi = await SendOkAsync(HttpMethod.Get, "/openapi/v1.json", null);
        foreach (string path in new[] { "/api/v1/containers/{container}/trips", "/api/v1/containers/{container}/trips/current/end", "/api/v1/containers/{container}/trips/{id}" })
        {
            Assert.True(openApi.GetProperty("paths").TryGetProperty(path, out _), $"OpenAPI has {path}");
        }
    }

    private async Task<JsonElement> SendOkAsync(HttpMethod method, string url, string? body, HttpStatusCode status = HttpStatusCode.OK)
    {
        using HttpResponseMessage response = await gateway.SendAsync(method, url, WafGateway.Full, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{method} {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
