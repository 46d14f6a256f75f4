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
        List<TransportLeg> legs = TripReportBuilder.AirLegs(data, start.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds(), options.AirLeg);
        return TypedResults.Json(new LegsDto { Fleet = key.Fleet, Container = key.Container, From = start, To = end, Legs = legs },
            LiveApiJson.Default.LegsDto);
    }

    private static IResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable");
}
