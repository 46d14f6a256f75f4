using Tracking.Gateway.Api.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Api.Rules;

/// <summary>
/// The handlers of <c>/api/v1/fleets/{fleet}/profile</c>: a fleet's default profile, which the store keeps as the
/// assignment of container <c>*</c> (<see cref="ContainerKey.FleetDefault"/>) and the engine uses for the fleet's
/// containers without their own assignment.
/// </summary>
internal static class FleetEndpoints
{
    public static async Task<IResult> GetAsync(string fleet, HttpContext http, [FromServices] IRuleStore store, [FromServices] IOptions<RulesOptions> options,
        CancellationToken ct)
    {
        if (!Names.IsValidId(fleet)) return Problems.BadRequest($"fleet '{fleet}' must be 1 to 64 of [A-Za-z0-9_-]");
        if (!FleetScope.Of(http).Allows(fleet)) return Problems.Forbidden($"the token may not see fleet '{fleet}'");
        string? profile = await store.AssignedProfileAsync(ContainerKey.DefaultOf(fleet), ct);
        return TypedResults.Json(new FleetProfileDto { Profile = profile, Fleet = fleet, GatewayDefault = options.Value.DefaultProfile },
            RulesApiJson.Default.FleetProfileDto);
    }

    public static async Task<IResult> PutAsync(string fleet, HttpRequest request, HttpContext http, [FromServices] IRuleStore store,
        [FromServices] RuleEngine engine, [FromServices] IEnumerable<IProfileAssignmentListener> listeners,
        [FromServices] IOptions<RulesOptions> options, [FromServices] ILoggerFactory loggers, CancellationToken ct)
    {
        if (!Names.IsValidId(fleet)) return Problems.BadRequest($"fleet '{fleet}' must be 1 to 64 of [A-Za-z0-9_-]");
        if (!FleetScope.Of(http).Allows(fleet)) return Problems.Forbidden($"the token may not change fleet '{fleet}'");
        (FleetProfileDto? body, IResult? problem) = await RequestBody.ReadAsync(request, RulesApiJson.Default.FleetProfileDto, ct);
        if (problem is not null) return problem;
        if (body!.Fleet is not null && body.Fleet != fleet) return Problems.BadRequest($"fleet '{body.Fleet}' of the body differs from the route's '{fleet}'");
        if (body.Profile is null) return Problems.BadRequest("profile is required (a profile name)");
        if (!ProfileValidator.IsValidName(body.Profile)) return Problems.BadRequest($"profile name '{body.Profile}' must match [a-z0-9_-]{{1,64}}");
        if ((await ProfileEndpoints.FindAsync(store, body.Profile, ct)).Profile is not { } profile)
        {
            return Problems.NotFound($"unknown profile '{body.Profile}'");
        }
        ContainerKey key = ContainerKey.DefaultOf(fleet);
        await store.AssignProfileAsync(key, profile.Name, ct);
        await engine.InvalidateProfilesAsync(ct);
        ILogger logger = loggers.CreateLogger(Log.Category);
        Log.FleetDefaultAssigned(logger, profile.Name, fleet);
        // The listeners get the fleet-default key: they re-publish for the fleet's containers without their own assignment.
        await AssignmentNotifier.NotifyAsync(listeners, key, profile, logger, ct);
        return TypedResults.Json(new FleetProfileDto { Profile = profile.Name, Fleet = fleet, GatewayDefault = options.Value.DefaultProfile },
            RulesApiJson.Default.FleetProfileDto);
    }
}
