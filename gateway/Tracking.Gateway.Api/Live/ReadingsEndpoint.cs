using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live.Dto;
using Tracking.Gateway.Api.Rules;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Report;

namespace Tracking.Gateway.Api.Live;

/// <summary>
/// <c>GET /api/v1/containers/{container}/readings</c>: the container's history downsampled by the database (min, max,
/// mean per bucket so peaks survive; empty buckets absent so gaps stay gaps), through <see cref="ILiveHistory"/>.
/// </summary>
internal static class ReadingsEndpoint
{
    public const int DefaultMaxPoints = 2000, MaxMaxPoints = 10_000;

    /// <summary>The longest range one request may ask for: a year and a bit covers any trip, and bounds the database's work.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);

    public static readonly TimeSpan DefaultRange = TimeSpan.FromHours(24);

    public static async Task<IResult> GetAsync(string container, [FromQuery] string? fleet, [FromQuery] string? from, [FromQuery] string? to,
        [FromQuery(Name = "max_points")] string? maxPoints, [FromServices] LiveBoard board, [FromServices] ILiveHistory history,
        [FromServices] TimeProvider time, [FromServices] ILoggerFactory loggers, HttpContext http, CancellationToken ct)
    {
        FleetScope scope = FleetScope.Of(http);
        int points = DefaultMaxPoints;
        if (maxPoints is not null && (!int.TryParse(maxPoints, NumberStyles.None, CultureInfo.InvariantCulture, out points) || points is < 1 or > MaxMaxPoints))
        {
            return Problems.BadRequest($"max_points '{maxPoints}' must be an integer from 1 to {MaxMaxPoints}");
        }
        if (Resolve(container, fleet, from, to, MaxRange, board, scope, time, out ContainerKey key, out DateTimeOffset start, out DateTimeOffset end) is { } problem)
        {
            return problem;
        }

        long bucketS = BucketSeconds(start, end, points);
        IReadOnlyList<ReadingBucket> buckets;
        try
        {
            buckets = await history.DownsampleAsync(key, start, end, TimeSpan.FromSeconds(bucketS), ct);
        }
        catch (HistoryUnavailableException ex)
        {
            Log.HistoryUnavailable(loggers.CreateLogger(Log.Category), ex.Message);
            return TypedResults.Problem($"the time-series database cannot answer now: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Service unavailable");
        }
        return TypedResults.Json(new ReadingsDto
        {
            Fleet = key.Fleet,
            Container = key.Container,
            From = start,
            To = end,
            BucketS = bucketS,
            Points = [.. buckets.Select(b => new ReadingBucketDto
            {
                Time = b.Start, Count = b.Count,
                TempCMin = Value(b.TempMin), TempCMax = Value(b.TempMax), TempCMean = Value(b.TempMean),
                RhPctMin = Value(b.RhMin), RhPctMax = Value(b.RhMax), RhPctMean = Value(b.RhMean),
                PressureHpaMin = Value(b.PressureMin), PressureHpaMax = Value(b.PressureMax), PressureHpaMean = Value(b.PressureMean),
                PeakGMax = Value(b.PeakGMax),
            })],
        }, LiveApiJson.Default.ReadingsDto);
    }

    /// <summary>
    /// Whole seconds, at least one, so that at most <paramref name="points"/> buckets cover [<paramref name="start"/>,
    /// <paramref name="end"/>). The buckets are aligned to the Unix epoch (InfluxDB's <c>GROUP BY time</c>), so the same
    /// range always gives the same buckets; a range that does not start on a boundary touches one bucket more than
    /// span / size, which was max_points + 1 buckets: the size grows until the count fits (a step or two).
    /// </summary>
    internal static long BucketSeconds(DateTimeOffset start, DateTimeOffset end, int points)
    {
        long bucketS = Math.Max(1, (long)Math.Ceiling((end - start).TotalSeconds / points));
        while (Buckets(start, end, bucketS) > points) bucketS++;
        return bucketS;
    }

    /// <summary>How many epoch-aligned buckets of <paramref name="bucketS"/> seconds [start, end) touches.</summary>
    internal static long Buckets(DateTimeOffset start, DateTimeOffset end, long bucketS)
    {
        // Times are after 1970 (the range check), so integer division is the floor.
        long ms = bucketS * 1000;
        return ((end.ToUnixTimeMilliseconds() - 1) / ms) - (start.ToUnixTimeMilliseconds() / ms) + 1;
    }

    /// <summary>
    /// The checks and defaults the container history calls share (docs/api.md): the ids, the range (<paramref name="to"/>
    /// now, <paramref name="from"/> 24 h before, at most <paramref name="maxRange"/>) and the fleet (named, else the one
    /// the live view has the container in). A problem to answer, or null with the container and range.
    /// </summary>
    internal static IResult? Resolve(string container, string? fleet, string? from, string? to, TimeSpan maxRange, LiveBoard board, FleetScope scope,
        TimeProvider time, out ContainerKey key, out DateTimeOffset start, out DateTimeOffset end)
    {
        key = default;
        start = end = default;
        if (!Names.IsValidId(container)) return Problems.BadRequest($"container '{container}' must be 1 to 64 of [A-Za-z0-9_-]");
        if (fleet is not null && !Names.IsValidId(fleet)) return Problems.BadRequest($"fleet '{fleet}' must be 1 to 64 of [A-Za-z0-9_-]");
        if (fleet is not null && !scope.Allows(fleet)) return Problems.Forbidden($"the token may not use fleet '{fleet}'");
        end = time.GetUtcNow();
        if (to is not null && !TryParseTime(to, out end)) return Problems.BadRequest($"to '{to}' must be an ISO 8601 time with a zone (2026-12-01T00:00:00Z)");
        start = end - DefaultRange;
        if (from is not null && !TryParseTime(from, out start)) return Problems.BadRequest($"from '{from}' must be an ISO 8601 time with a zone (2026-12-01T00:00:00Z)");
        if (start >= end) return Problems.BadRequest($"from {start:O} must be before to {end:O}");
        if (end - start > maxRange) return Problems.BadRequest($"the range from {start:O} to {end:O} is over {maxRange.TotalDays} days");
        if (fleet is not null)
        {
            key = new ContainerKey(fleet, container);
            return null;
        }
        // The fleet the live view has seen the container in (only the caller's fleets).
        IReadOnlyList<string> fleets = board.FleetsOf(container, scope);
        if (fleets.Count == 0) return Problems.NotFound($"unknown container '{container}' (no data seen): name its fleet with ?fleet=");
        if (fleets.Count > 1) return Problems.BadRequest($"container '{container}' is known in several fleets ({string.Join(", ", fleets)}): name the fleet");
        key = new ContainerKey(fleets[0], container);
        return null;
    }

    /// <summary>ISO 8601 with an explicit zone only: a time without one would mean the server's zone, a guess.</summary>
    internal static bool TryParseTime(string text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length is < 20 or > 40 || !(text.EndsWith('Z') || text[^6] is '+' or '-')) return false;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value)
            && value.Year is >= 1970 and <= 2261;
    }

    private static double? Value(double v) => double.IsFinite(v) ? v : null;
}
