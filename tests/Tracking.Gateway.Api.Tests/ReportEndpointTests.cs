using System.Net;
using System.Text.Json;
using Tracking.Gateway.Api.Reports;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Report;

namespace Tracking.Gateway.Api.Tests;

/// <summary>GET /api/v1/containers/{container}/report: formats, refusals with their reasons, the database down.</summary>
public class ReportEndpointTests
{
    private static readonly ContainerKey Box = new("acme", "CSQU3054383");
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Url = "/api/v1/containers/CSQU3054383/report?fleet=acme&from=2026-03-01T00:00:00Z&to=2026-03-01T01:00:00Z";

    /// <summary>5, 5, 9, 10, 7, 5 degC 5 min apart on tag t1; pharma_2_8 assigned (upper 8 degC).</summary>
    private static async Task<ReportApiHost> StartWithDataAsync(string tag = "t1")
    {
        ReportApiHost api = await ReportApiHost.StartAsync();
        await api.Store.AssignProfileAsync(Box, "pharma_2_8");
        double[] temps = [5, 5, 9, 10, 7, 5];
        for (int i = 0; i < temps.Length; i++)
        {
            api.History!.Readings.Add(new HistoryReading(tag, T0.AddMinutes(5 * i).ToUnixTimeMilliseconds(), 1, (uint)i, temps[i], 60, 1013));
        }
        api.History!.Shocks.Add(new HistoryShock(tag, T0.AddMinutes(7).ToUnixTimeMilliseconds(), 1, 50, 6.5));
        api.History!.Statuses.Add(new HistoryStatus(tag, T0.AddMinutes(1).ToUnixTimeMilliseconds(), "1.4.2", 0));
        return api;
    }

    [Fact]
    public async Task The_json_report_has_the_issues_fields_with_the_values_of_the_readings()
    {
        await using ReportApiHost api = await StartWithDataAsync();

        HttpResponseMessage response = await api.Client.GetAsync(Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonElement r = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((5.0, 10.0, 41.0 / 6), (r.GetProperty("min_c").GetDouble(), r.GetProperty("max_c").GetDouble(), r.GetProperty("mean_c").GetDouble()));
        Assert.True(r.GetProperty("mkt_c").GetDouble() is > 5 and < 10);
        Assert.Equal("pharma_2_8", r.GetProperty("profile").GetString());
        // pharma_2_8's upper band is 8 degC: 9 at 10 min to 7 at 20 min.
        JsonElement e = Assert.Single(r.GetProperty("excursions").EnumerateArray());
        Assert.Equal(("2026-03-01T00:10:00+00:00", "2026-03-01T00:20:00+00:00", 10.0, 600.0),
            (e.GetProperty("start").GetString(), e.GetProperty("end").GetString(), e.GetProperty("peak").GetDouble(), e.GetProperty("duration_s").GetDouble()));
        Assert.Equal(600, r.GetProperty("time_outside_s").GetProperty("temp_c_upper_8").GetDouble());
        Assert.Equal(0, r.GetProperty("time_outside_s").GetProperty("temp_c_upper_15").GetDouble());
        Assert.Equal(6.5, Assert.Single(r.GetProperty("shocks").EnumerateArray()).GetProperty("g").GetDouble());
        foreach (string list in new[] { "gaps", "legs", "alerts", "door_openings" }) Assert.Equal(JsonValueKind.Array, r.GetProperty(list).ValueKind);
        Assert.Equal("1.4.2", Assert.Single(r.GetProperty("tags").EnumerateArray()).GetProperty("firmware").GetString());
        Assert.Equal((Box, T0, T0.AddHours(1)), Assert.Single(api.History!.Calls));
    }

    [Fact]
    public async Task An_alert_of_the_range_reads_in_the_report_exactly_as_the_alerts_endpoint_shows_it()
    {
        await using ReportApiHost api = await StartWithDataAsync();
        (Alert opened, _) = await api.Store.OpenAlertAsync(new Alert
        {
            Key = "k1", Container = Box, Tag = "t1", Kind = "temp_high", Band = "temp_c_upper_8", Severity = Severity.Alarm,
            Since = T0.AddMinutes(10), RaisedAt = T0.AddMinutes(11), Late = TimeSpan.FromSeconds(42), Value = 9, Limit = 8,
            Message = "over 8", AcknowledgedBy = "ops", AcknowledgedAt = T0.AddMinutes(12), AcknowledgeNote = "door",
        });

        JsonElement report = JsonDocument.Parse(await api.Client.GetStringAsync(Url)).RootElement;
        JsonElement one = JsonDocument.Parse(await api.Client.GetStringAsync($"/api/v1/alerts/{opened.Id}")).RootElement;

        JsonElement inReport = Assert.Single(report.GetProperty("alerts").EnumerateArray());
        Assert.True(JsonElement.DeepEquals(one, inReport), $"report: {inReport}\nalerts endpoint: {one}");
        Assert.Equal(("t1", 42.0, "door"), (inReport.GetProperty("tag").GetString(), inReport.GetProperty("late_s").GetDouble(),
            inReport.GetProperty("acknowledge_note").GetString()));
    }

    [Fact]
    public async Task The_csv_report_is_one_table_with_a_row_per_fact()
    {
        await using ReportApiHost api = await StartWithDataAsync();

        HttpResponseMessage response = await api.Client.GetAsync(Url + "&format=csv");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString() ?? "", StringComparison.Ordinal);
        string[] lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ReportCsv.Header, lines[0]);
        Assert.Contains("summary,,max_c,2026-03-01T00:15:00.000Z,,10,,", lines);
        Assert.Contains("excursion,t1,temp_c_upper_8,2026-03-01T00:10:00.000Z,2026-03-01T00:20:00.000Z,10,600,unknown_s=0", lines);
        Assert.Contains("shock,t1,g,2026-03-01T00:07:00.000Z,,6.5,,", lines);
    }

    [Fact]
    public void Csv_cells_are_quoted_and_formulas_defused()
    {
        Assert.Equal("\"a,b\"", ReportCsv.Cell("a,b"));
        Assert.Equal("\"say \"\"hi\"\"\"", ReportCsv.Cell("say \"hi\""));
        Assert.Equal("'=HYPERLINK(1)", ReportCsv.Cell("=HYPERLINK(1)"));
        Assert.Equal("\"'@x\ny\"", ReportCsv.Cell("@x\ny"));
    }

    [Fact]
    public async Task The_html_report_is_self_contained_and_escapes_what_the_data_says()
    {
        await using ReportApiHost api = await StartWithDataAsync(tag: "<script>alert('x')</script>");

        HttpResponseMessage response = await api.Client.GetAsync(Url + "&format=html");

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        string html = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        foreach (string external in new[] { "src=", "href=", "url(", "@import" }) Assert.DoesNotContain(external, html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("temp_c_upper_8", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("to=2026-03-01T01:00:00Z", "from is required")]
    [InlineData("from=2026-03-01T00:00:00Z", "to is required")]
    [InlineData("from=yesterday&to=2026-03-01T01:00:00Z", "from 'yesterday' is not an ISO 8601 time")]
    [InlineData("from=03/01/2026&to=2026-03-01T01:00:00Z", "is not an ISO 8601 time")]
    [InlineData("from=2026-03-01T01:00:00Z&to=2026-03-01T00:00:00Z", "must be after from")]
    [InlineData("from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z", "must be after from")]
    [InlineData("from=2026-01-01&to=2026-06-01", "longer than the 92 days")]
    [InlineData("from=2026-03-01&to=2026-03-02&format=pdf", "format 'pdf' must be json, csv or html")]
    public async Task Bad_ranges_and_formats_are_400_with_the_reason_and_reach_no_database(string query, string reason)
    {
        await using ReportApiHost api = await StartWithDataAsync();

        await Problem.AssertAsync(await api.Client.GetAsync($"/api/v1/containers/CSQU3054383/report?fleet=acme&{query}"), HttpStatusCode.BadRequest, reason);
        Assert.Empty(api.History!.Calls);
    }

    [Fact]
    public async Task Offsets_are_honoured_and_a_bare_date_is_utc_midnight()
    {
        await using ReportApiHost api = await StartWithDataAsync();

        await api.Client.GetAsync("/api/v1/containers/CSQU3054383/report?fleet=acme&from=2026-03-01T02:00:00%2B02:00&to=2026-03-02");

        Assert.Equal((T0, T0.AddDays(1)), (api.History!.Calls[0].From, api.History.Calls[0].To));
    }

    [Fact]
    public async Task A_bad_container_id_is_400_and_an_unknown_container_404()
    {
        await using ReportApiHost api = await ReportApiHost.StartAsync();

        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers/CSQU'3054383/report?fleet=acme&from=2026-03-01&to=2026-03-02"),
            HttpStatusCode.BadRequest, "must be 1 to 64 of [A-Za-z0-9_-]");
        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers/CSQU3054383/report?fleet=acme&from=2026-03-01&to=2026-03-02"),
            HttpStatusCode.NotFound, "unknown container 'CSQU3054383' in fleet 'acme'");
        // Without a fleet and without rules state, the fleet cannot be told either.
        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers/CSQU3054383/report?from=2026-03-01&to=2026-03-02"),
            HttpStatusCode.NotFound, "unknown container 'CSQU3054383'");
    }

    [Fact]
    public async Task The_database_down_or_not_configured_is_503_with_the_reason()
    {
        await using ReportApiHost api = await StartWithDataAsync();
        api.History!.Down = true;
        await Problem.AssertAsync(await api.Client.GetAsync(Url), HttpStatusCode.ServiceUnavailable, "connection refused");

        await using ReportApiHost none = await ReportApiHost.StartAsync(withHistory: false);
        await Problem.AssertAsync(await none.Client.GetAsync(Url), HttpStatusCode.ServiceUnavailable, "no time-series database");
    }

    [Fact]
    public async Task The_maximum_range_is_a_setting()
    {
        await using ReportApiHost api = await ReportApiHost.StartAsync(settings: new() { ["Reports:MaxRange"] = "1.00:00:00" });

        await Problem.AssertAsync(await api.Client.GetAsync("/api/v1/containers/CSQU3054383/report?fleet=acme&from=2026-03-01&to=2026-03-03"),
            HttpStatusCode.BadRequest, "longer than the 1 days");
    }

    [Fact]
    public async Task The_report_is_in_the_openapi_document()
    {
        await using ReportApiHost api = await ReportApiHost.StartAsync();

        JsonElement doc = JsonDocument.Parse(await api.Client.GetStringAsync("/openapi/v1.json")).RootElement;

        JsonElement get = doc.GetProperty("paths").GetProperty("/api/v1/containers/{container}/report").GetProperty("get");
        string[] parameters = [.. get.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];
        Assert.Superset(new HashSet<string> { "container", "from", "to", "format", "fleet" }, parameters.ToHashSet());
        Assert.True(get.GetProperty("responses").TryGetProperty("503", out _));
    }
}
