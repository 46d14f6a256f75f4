using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Api.Rules;

/// <summary>The handlers of <c>/api/v1/containers/{container}/...</c>: profile assignment, the engine's summary and warnings.</summary>
internal static class ContainerEndpoints
{
    public static async Task<IResult> AssignAsync(string container, HttpRequest request, [FromQuery] string? fleet,
        [FromServices] IRuleStore store, [FromServices] RuleEngine engine, [FromServices] IEnumerable<IProfileAssignmentListener> listeners,
        [FromServices] ILoggerFactory loggers, HttpContext http, CancellationToken ct)
    {
        (AssignmentDto? body, IResult? problem) = await RequestBody.ReadAsync(request, RulesApiJson.Default.AssignmentDto, ct);
        if (problem is not null) return problem;
        if (body!.Fleet is not null && fleet is not null && body.Fleet != fleet)
        {
            return Problems.BadRequest($"fleet '{body.Fleet}' of the body differs from ?fleet={fleet}");
        }
        (ContainerKey key, problem) = await FleetResolver.ResolveAsync(store, body.Fleet ?? fleet, container, http, ct);
        if (problem is not null) return problem;
        if (!ProfileValidator.IsValidName(body.Profile)) return Problems.BadRequest($"profile name '{body.Profile}' must match [a-z0-9_-]{{1,64}}");
        if ((await ProfileEndpoints.FindAsync(store, body.Profile, ct)).Profile is not { } profile)
        {
            return Problems.NotFound($"unknown profile '{body.Profile}'");
        }
        await store.AssignProfileAsync(key, profile.Name, ct);
        await engine.InvalidateProfilesAsync(ct);
        ILogger logger = loggers.CreateLogger(Log.Category);
        Log.ProfileAssigned(logger, profile.Name, key.ToString());
        await AssignmentNotifier.NotifyAsync(listeners, key, profile, logger, ct);
        return TypedResults.Json(new AssignmentDto { Profile = profile.Name, Fleet = key.Fleet, Container = key.Container },
            RulesApiJson.Default.AssignmentDto);
    }

    public static async Task<IResult> SummaryAsync(string container, [FromQuery] string? fleet, [FromServices] IRuleStore store,
        [FromServices] RuleEngine engine, HttpContext http, CancellationToken ct)
    {
        (ContainerKey key, IResult? problem) = await FleetResolver.ResolveAsync(store, fleet, container, http, ct);
        if (problem is not null) return problem;
        // Checked first: the engine keeps every container it is asked about, and a URL must not grow its memory.
        if (!await FleetResolver.KnownAsync(store, key, http, ct)) return Problems.NotFound($"unknown container '{container}' in fleet '{key.Fleet}'");
        IReadOnlyList<StreamSummary> tags = await engine.SummaryAsync(key, ct);
        return TypedResults.Json(new SummaryDto { Fleet = key.Fleet, Container = key.Container, Tags = [.. tags.Select(ToDto)] },
            RulesApiJson.Default.SummaryDto);
    }

    public static async Task<IResult> WarningsAsync(string container, [FromQuery] string? fleet, HttpContext http, [FromServices] IRuleStore store,
        [FromServices] RuleEngine engine, CancellationToken ct)
    {
        (ContainerKey key, IResult? problem) = await FleetResolver.ResolveAsync(store, fleet, container, http, ct);
        if (problem is not null) return problem;
        // As for the summary: the engine keeps every container it is asked about.
        if (!await FleetResolver.KnownAsync(store, key, http, ct)) return Problems.NotFound($"unknown container '{container}' in fleet '{key.Fleet}'");
        IReadOnlyList<PredictiveWarning> warnings = await engine.WarningsAsync(key, ct);
        return TypedResults.Json(new WarningsDto { Fleet = key.Fleet, Container = key.Container, Warnings = [.. warnings.Select(ToDto)] },
            RulesApiJson.Default.WarningsDto);
    }

    public static WarningDto ToDto(PredictiveWarning w) => new()
    {
        Tag = w.Tag,
        Band = w.Band,
        Kind = w.Kind,
        Severity = w.Severity.ToString().ToLowerInvariant(),
        Limit = w.Limit,
        PredictedBreach = w.PredictedBreach,
        PredictedAlarm = w.PredictedAlarm,
        SlopePerHour = w.SlopePerHour,
        Level = w.Level,
        Points = w.Points,
        Confidence = w.Confidence,
        IssuedAt = w.IssuedAt,
        UpdatedAt = w.UpdatedAt,
    };

    private static TagSummaryDto ToDto(StreamSummary s) => new()
    {
        Tag = s.Tag,
        FirstReading = s.FirstReading,
        LastReading = s.LastReading,
        MktTripC = Finite(s.MktTripC),
        MktWindowC = Finite(s.MktWindowC),
        UnknownS = s.Unknown.TotalSeconds,
        Excursions = [.. s.Excursions.Select(e => new ExcursionDto
        {
            Band = e.Band, Start = e.Start, End = e.End, Peak = Finite(e.Peak), DurationS = e.Duration.TotalSeconds, Trip = e.Trip,
        })],
        ShockCount = s.ShockCount,
        ShockMaxG = s.ShockCount == 0 ? null : Finite(s.ShockMaxG),
        Shocks = [.. s.Shocks.Select(x => new ShockDto { Time = x.Time, G = x.G })],
        TooLate = s.TooLate,
        Trip = s.Trip,
    };

    /// <summary>JSON has no NaN: "not known yet" is null.</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
