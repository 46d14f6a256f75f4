using Tracking.Gateway.Api.Auth;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Rules;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Report;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Trips;

namespace Tracking.Gateway.Api.Reports;

/// <summary>
/// <c>GET /api/v1/containers/{container}/report?from=&amp;to=[&amp;format=json|csv|html][&amp;fleet=]</c>: the trip report
/// of issue 12 computed from InfluxDB's time series (<see cref="IReadingHistory"/>) and the rule store's alerts.
/// </summary>
internal static class ReportEndpoints
{
    private const int MaxAlerts = 10_000;

    public static IEndpointRouteBuilder MapReportEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The same read access as the rules' GETs: open until a token is limited to fleets, then a token is needed.
        endpoints.MapGroup("/api/v1").WithTags("reports").AddEndpointFilter<ReadAccessFilter>()
            .MapGet("/containers/{container}/report", ReportAsync).WithName("ContainerReport")
            .WithSummary("Trip report of a container over a time range or one of its trips (JSON, CSV or printable HTML)")
            .WithDescription("Computed from InfluxDB's readings with the rules' band semantics; from and to are ISO 8601 (UTC when "
                + "no offset is given), to after from, at most Reports:MaxRange apart; or trip={id}: the trip's start to its end "
                + "(now while it lasts), its id and reference in the report. 503 when InfluxDB cannot answer.")
            .Produces<TripReport>(contentType: "application/json")
            .Produces<string>(StatusCodes.Status200OK, "text/csv", "text/html")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);
        return endpoints;
    }

    public static async Task<IResult> ReportAsync(string container, [FromQuery] string? from, [FromQuery] string? to, [FromQuery] string? format,
        [FromQuery] string? fleet, [FromQuery] string? trip, HttpContext http, [FromServices] IRuleStore store, [FromServices] IOptions<ReportOptions> options,
        [FromServices] IOptions<RulesOptions> rules, [FromServices] TimeProvider time, [FromServices] ILoggerFactory loggers, CancellationToken ct)
    {
        string kind = format ?? "json";
        if (kind is not ("json" or "csv" or "html")) return Problems.BadRequest($"format '{format}' must be json, csv or html");
        DateTimeOffset start = default, end = default;
        Trip? ofTrip = null;
        long tripId = 0;
        if (trip is not null)
        {
            // A trip's report: its range is the trip (to now while it lasts); from and to would contradict it.
            if (from is not null || to is not null) return Problems.BadRequest("give either trip or from and to, not both");
            if (TripEndpoints.ParseId(trip) is not { } id) return Problems.BadRequest($"trip '{trip}' must be a positive integer (a trip id)");
            tripId = id;
        }
        else
        {
            if (ParseTime(from, "from", out start) is { } badFrom) return badFrom;
            if (ParseTime(to, "to", out end) is { } badTo) return badTo;
            if (end <= start) return Problems.BadRequest($"to ({To(end)}) must be after from ({To(start)})");
        }

        (ContainerKey key, IResult? problem) = await FleetResolver.ResolveAsync(store, fleet, container, http, ct);
        if (problem is not null) return problem;
        if (tripId != 0)
        {
            ofTrip = await store.GetTripAsync(key, tripId, ct);
            if (ofTrip is null) return Problems.NotFound($"unknown trip {tripId} of container '{key.Container}' in fleet '{key.Fleet}'");
            start = ofTrip.Start;
            end = ofTrip.End ?? time.GetUtcNow();
            if (end <= start) return Problems.BadRequest($"trip {tripId} starts at {To(start)}, after the gateway's clock ({To(end)}): nothing to report yet");
        }
        TimeSpan max = options.Value.MaxRange;
        if (end - start > max)
        {
            return Problems.BadRequest(FormattableString.Invariant($"the range from {To(start)} to {To(end)} is longer than the {max.TotalDays:0.##} days one report may cover"));
        }
        if (http.RequestServices.GetService<IReadingHistory>() is not { } history)
        {
            return Unavailable("no time-series database is configured for reports");
        }

        ContainerHistory data;
        try
        {
            data = await history.ReadAsync(key, start, end, ct);
        }
        catch (HistoryUnavailableException ex)
        {
            ReportLog.HistoryFailed(loggers.CreateLogger(Log.Category), ex, key.ToString());
            return Unavailable($"the time-series database cannot answer: {ex.Message}");
        }
        // A container is known when the rules have seen it or InfluxDB has data of it in the range.
        if (data.IsEmpty && !await FleetResolver.KnownAsync(store, key, http, ct))
        {
            return Problems.NotFound($"unknown container '{key.Container}' in fleet '{key.Fleet}' (no data in the range)");
        }

        Profile? profile = await ProfileOfAsync(store, key, rules.Value.DefaultProfile, ct);
        IReadOnlyList<Alert> alerts = await store.ListAlertsAsync(new AlertQuery(Fleet: key.Fleet, Container: key.Container, Limit: MaxAlerts), ct);
        TripReport report = TripReportBuilder.Build(key, start, end, profile, data, alerts, options.Value, time.GetUtcNow())
            with { TripId = ofTrip?.Id, TripReference = ofTrip?.Reference };
        string file = ofTrip is null
            ? $"report-{key.Fleet}-{key.Container}-{start.UtcDateTime:yyyyMMddTHHmmss}Z"
            : $"report-{key.Fleet}-{key.Container}-trip{ofTrip.Id}";
        switch (kind)
        {
            case "csv":
                http.Response.Headers.ContentDisposition = $"attachment; filename=\"{file}.csv\"";
                return TypedResults.Text(ReportCsv.Write(report), "text/csv; charset=utf-8");
            case "html":
                // Self-contained: nothing to load, so nothing may be loaded (a value that slipped through escaping cannot either).
                http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
                return TypedResults.Text(ReportHtml.Write(report), "text/html; charset=utf-8");
            default:
                return TypedResults.Json(report, ReportApiJson.Default.TripReport);
        }
    }

    /// <summary>The profile the rules use for the container: its assignment, its fleet's default, the configured default.</summary>
    private static async Task<Profile?> ProfileOfAsync(IRuleStore store, ContainerKey key, string? fallback, CancellationToken ct)
    {
        string? name = await store.AssignedProfileAsync(key, ct) ?? fallback;
        return name is null ? null : (await ProfileEndpoints.FindAsync(store, name, ct)).Profile;
    }

    /// <summary>An ISO 8601 time of a query or body (UTC when no offset is given), or the problem saying why not.</summary>
    internal static IResult? ParseTime(string? text, string name, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return Problems.BadRequest($"{name} is required: an ISO 8601 time such as 2026-01-31T00:00:00Z");
        // ISO 8601 only (a date, or a date and time with an optional offset; UTC when none), not every form .NET parses.
        string[] formats =
        [
            "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
            "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        ];
        if (!DateTimeOffset.TryParseExact(text, formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            return Problems.BadRequest($"{name} '{text}' is not an ISO 8601 time such as 2026-01-31T00:00:00Z");
        }
        return null;
    }

    private static string To(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static IResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable");
}
