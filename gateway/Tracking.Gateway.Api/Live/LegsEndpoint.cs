using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live.Dto;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Report;
using Tracking.Gateway.Rules.Transport;
using ReportHistory = Tracking.Gateway.Rules.Report.IReadingHistory;

namespace Tracking.Gateway.Api.Live;

/// <summary>
/// <c>GET /api/v1/containers/{container}/legs</c>: the air legs of the container over a range, for the pressure chart.
/// One implementation of the rule: the rules' <see cref="AirLegDetector"/> with the report's settings
/// (<see cref="ReportOptions.AirLeg"/>) over each tag's raw pressure readings, as the trip report finds them, so the
/// chart and the report never disagree. The raw readings come from the report's <see cref="ReportHistory"/>: the
/// downsampled buckets would blur the detector's median filter and gap rule.
/// </summary>
internal static class LegsEndpoint
{
    public static async Task<IResult> GetAsync(string container, [FromQuery] string? fleet, [FromQuery] string? from, [FromQuery] string? to,
        [FromServices] LiveBoard board, [FromServices] TimeProvider time, [FromServices] ILoggerFactory loggers, HttpContext http, CancellationToken ct)
    {
        ReportOptions options = http.RequestServices.GetService<IOptions<ReportOptions>>()?.Value ?? new ReportOptions();
        // Raw readings, not buckets: bounded like a trip report.
        TimeSpan maxRange = options.MaxRange < ReadingsEndpoint.MaxRange ? options.MaxRange : ReadingsEndpoint.MaxRange;
        if (ReadingsEndpoint.Resolve(container, fleet, from, to, maxRange, board, FleetScope.Of(http), time, out ContainerKey key, out DateTimeOffset start,
            out DateTimeOffset end) is { } problem)
        {
            return problem;
        }
        if (http.RequestServices.GetService<ReportHistory>() is not { } history) return Unavailable("no time-series database is configured for legs");

        ContainerHistory data;
        try
        {
            data = await history.ReadAsync(key, start, end, ct);
        }
        catch (HistoryUnavailableException ex)
        {
            Log.LegsUnavailable(loggers.CreateLogger(Log.Category), key.ToString(), ex.Message);
            return Unavailable($"the time-series database cannot answer now: {ex.Message}");
        }
        return TypedResults.Json(new LegsDto { Fleet = key.Fleet, Container = key.Container, From = start, To = end, Legs = Detect(data, options.AirLeg) },
            LiveApiJson.Default.LegsDto);
    }

    /// <summary>
    /// Each tag's series on its own, prepared as the trip report prepares it (TripReportBuilder): the rules' order (device
    /// time, then boot and seq), a duplicate counted once, estimated times left out. Legs oldest first.
    /// </summary>
    internal static List<TransportLeg> Detect(ContainerHistory data, AirLegSettings settings)
    {
        List<TransportLeg> legs = [];
        foreach (IGrouping<string, HistoryReading> tag in data.Readings.GroupBy(r => r.Tag, StringComparer.Ordinal))
        {
            var seen = new HashSet<ulong>();
            HistoryReading[] series = [.. tag.OrderBy(r => r.TimeMs).ThenBy(r => r.Boot).ThenBy(r => r.Seq)
                .Where(r => seen.Add(((ulong)r.Boot << 32) | r.Seq) && !r.Estimated)];
            long[] times = [.. series.Select(r => r.TimeMs)];
            double[] hpa = [.. series.Select(r => r.PressureHpa)];
            legs.AddRange(AirLegDetector.Detect(tag.Key, times, hpa, settings));
        }
        legs.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Tag, b.Tag));
        return legs;
    }

    private static IResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable");
}
