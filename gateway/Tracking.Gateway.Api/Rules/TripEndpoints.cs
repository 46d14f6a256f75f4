using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Reports;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Trips;

namespace Tracking.Gateway.Api.Rules;

/// <summary>
/// The handlers of <c>/api/v1/containers/{container}/trips</c> (docs/api.md "Trips"): start (ending the trip in progress),
/// end the current one, list, one. The store decides overlaps atomically (<see cref="IRuleStore.StartTripAsync"/>), so two
/// operators or two gateways cannot both start one; the engine is told at once (<see cref="RuleEngine.InvalidateProfilesAsync"/>),
/// other gateways read it with the profiles.
/// </summary>
internal static class TripEndpoints
{
    /// <summary>How far ahead of the gateway's clock a start or end may be: trips are recorded, not planned (clock skew allowed).</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromHours(1);

    public static async Task<IResult> StartAsync(string container, HttpRequest request, [FromQuery] string? fleet, [FromServices] IRuleStore store,
        [FromServices] RuleEngine engine, [FromServices] IOptions<RulesOptions> rules, [FromServices] TimeProvider time,
        [FromServices] ILoggerFactory loggers, HttpContext http, CancellationToken ct)
    {
        TripStartDto body = new();
        if (HasBody(request))
        {
            (TripStartDto? read, IResult? bad) = await RequestBody.ReadAsync(request, RulesApiJson.Default.TripStartDto, ct);
            if (bad is not null) return bad;
            body = read!;
        }
        if (body.Fleet is not null && fleet is not null && body.Fleet != fleet)
        {
            return Problems.BadRequest($"fleet '{body.Fleet}' of the body differs from ?fleet={fleet}");
        }
        if (TripRules.CheckReference(body.Reference) is { } badReference) return Problems.BadRequest(badReference);
        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset start = now;
        if (body.Start is not null && ReportEndpoints.ParseTime(body.Start, "start", out start) is { } badStart) return badStart;
        if (start > now + MaxAhead) return Problems.BadRequest($"start {Iso(start)} is more than {MaxAhead.TotalHours} h ahead of the gateway's clock ({Iso(now)})");

        (ContainerKey key, IResult? problem) = await FleetResolver.ResolveAsync(store, body.Fleet ?? fleet, container, http, ct);
        if (problem is not null) return problem;
        string? profile = await store.AssignedProfileAsync(key, ct) ?? rules.Value.DefaultProfile;
        TripChange change = await store.StartTripAsync(new Trip { Container = key, Start = start, Reference = body.Reference, Profile = profile, CreatedAt = now }, ct);
        switch (change.Outcome)
        {
            case TripOutcome.Done:
                break;
            case TripOutcome.Overlaps:
                return Problems.Conflict(change.Trip is { End: { } end } latest
                    ? $"start {Iso(start)} overlaps trip {latest.Id} ({Iso(latest.Start)} to {Iso(end)}): a trip starts after the latest one"
                    : $"start {Iso(start)} is not after the start of trip {change.Trip?.Id} ({Iso(change.Trip!.Start)}), which it would end");
            default:
                return Problems.Conflict("the container's trips changed at the same moment; read them again and retry");
        }
        await engine.InvalidateProfilesAsync(ct);
        Trip trip = change.Trip!;
        Log.TripStarted(loggers.CreateLogger(Log.Category), trip.Id, key.ToString(), trip.Start, change.Ended?.Id ?? 0);
        http.Response.Headers.Location = $"/api/v1/containers/{key.Container}/trips/{trip.Id}?fleet={key.Fleet}";
        return TypedResults.Json(TripDto.From(trip), RulesApiJson.Default.TripDto, statusCode: StatusCodes.Status201Created);
    }

    public static async Task<IResult> EndAsync(string container, HttpRequest request, [FromQuery] string? fleet, [FromServices] IRuleStore store,
        [FromServices] RuleEngine engine, [FromServices] TimeProvider time, [FromServices] ILoggerFactory loggers, HttpContext http, CancellationToken ct)
    {
        TripEndDto body = new();
        if (HasBody(request))
        {
            (TripEndDto? read, IResult? bad) = await RequestBody.ReadAsync(request, RulesApiJson.Default.TripEndDto, ct);
            if (bad is not null) return bad;
            body = read!;
        }
        DateTimeOffset now = time.GetUtcNow();
        DateTimeOffset end = now;
        if (body.End is not null && ReportEndpoints.ParseTime(body.End, "end", out end) is { } badEnd) return badEnd;
        if (end > now + MaxAhead) return Problems.BadRequest($"end {Iso(end)} is more than {MaxAhead.TotalHours} h ahead of the gateway's clock ({Iso(now)})");

        (ContainerKey key, IResult? problem) = await FleetResolver.ResolveAsync(store, fleet, container, http, ct);
        if (problem is not null) return problem;
        TripChange change = await store.EndTripAsync(key, end, ct);
        switch (change.Outcome)
        {
            case TripOutcome.Done:
                break;
            case TripOutcome.NoOpenTrip:
                return Problems.Conflict($"container '{key.Container}' in fleet '{key.Fleet}' has no trip in progress");
            case TripOutcome.EndBeforeStart:
                return Problems.BadRequest($"end {Iso(end)} is not after the start of trip {change.Trip!.Id} ({Iso(change.Trip.Start)})");
            default:
                return Problems.Conflict("the container's trips changed at the same moment; read them again and retry");
        }
        await engine.InvalidateProfilesAsync(ct);
        Log.TripEnded(loggers.CreateLogger(Log.Category), change.Trip!.Id, key.ToString(), end);
        return TypedResults.Json(TripDto.From(change.Trip), RulesApiJson.Default.TripDto);
    }

    public static async Task<IResult> ListAsync(string container, [FromQuery] string? fleet, [FromServices] IRuleStore store, HttpContext http,
        CancellationToken ct)
    {
        (ContainerKey key, IResult? problem) = await FleetResolver.ResolveAsync(store, fleet, container, http, ct);
        if (problem is not null) return problem;
        IReadOnlyList<Trip> trips = await store.ListTripsAsync(key, ct);
        return TypedResults.Json<IReadOnlyList<TripDto>>([.. trips.Select(TripDto.From)], RulesApiJson.Default.IReadOnlyListTripDto);
    }

    public static async Task<IResult> GetAsync(string container, string id, [FromQuery] string? fleet, [FromServices] IRuleStore store,
        HttpContext http, CancellationToken ct)
    {
        if (ParseId(id) is not { } number) return Problems.BadRequest($"trip id '{id}' must be a positive integer");
        (ContainerKey key, IResult? problem) = await FleetResolver.ResolveAsync(store, fleet, container, http, ct);
        if (problem is not null) return problem;
        return await store.GetTripAsync(key, number, ct) is { } trip
            ? TypedResults.Json(TripDto.From(trip), RulesApiJson.Default.TripDto)
            : Problems.NotFound($"unknown trip {number} of container '{key.Container}' in fleet '{key.Fleet}'");
    }

    public static long? ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n > 0 ? n : null;

    /// <summary>A body was sent (a length above 0, or chunked): the start and end calls take none as "now, no reference".</summary>
    private static bool HasBody(HttpRequest request) => request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
