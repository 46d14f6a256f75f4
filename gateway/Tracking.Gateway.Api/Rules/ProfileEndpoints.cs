using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Api.Rules;

/// <summary>The handlers of <c>/api/v1/profiles</c>: stored profiles and the built-in presets.</summary>
internal static class ProfileEndpoints
{
    public static async Task<IResult> ListAsync([FromServices] IRuleStore store, CancellationToken ct)
    {
        IReadOnlyList<Profile> stored = await store.ListProfilesAsync(ct);
        // A stored profile of a preset's name replaces the preset, as the engine resolves names (store first).
        IEnumerable<ProfileDto> all = stored.Select(p => ProfileMapper.ToDto(p, "stored"))
            .Concat(ProfilePresets.All.Where(p => stored.All(s => s.Name != p.Name)).Select(p => ProfileMapper.ToDto(p, "preset")))
            .OrderBy(p => p.Name, StringComparer.Ordinal);
        return TypedResults.Json<IReadOnlyList<ProfileDto>>([.. all], RulesApiJson.Default.IReadOnlyListProfileDto);
    }

    public static async Task<IResult> GetAsync(string name, [FromServices] IRuleStore store, CancellationToken ct)
    {
        if (!ProfileValidator.IsValidName(name)) return Problems.BadRequest($"profile name '{name}' must match [a-z0-9_-]{{1,64}}");
        return await FindAsync(store, name, ct) is ({ } profile, string source)
            ? TypedResults.Json(ProfileMapper.ToDto(profile, source), RulesApiJson.Default.ProfileDto)
            : Problems.NotFound($"unknown profile '{name}'");
    }

    public static async Task<IResult> PutAsync(string name, HttpRequest request, [FromServices] IRuleStore store,
        [FromServices] RuleEngine engine, [FromServices] IEnumerable<IProfileAssignmentListener> listeners, [FromServices] ILoggerFactory loggers,
        HttpContext http, CancellationToken ct)
    {
        // Profiles are shared by every fleet: changing one would reach fleets the token may not change.
        if (!FleetScope.Of(http).IsAll) return Problems.Forbidden("a token limited to fleets cannot change profiles (every fleet shares them)");
        if (!ProfileValidator.IsValidName(name)) return Problems.BadRequest($"profile name '{name}' must match [a-z0-9_-]{{1,64}}");
        (ProfileDto? body, IResult? problem) = await RequestBody.ReadAsync(request, RulesApiJson.Default.ProfileDto, ct);
        if (problem is not null) return problem;
        (Profile? profile, IReadOnlyList<string> reasons) = ProfileMapper.ToProfile(name, body!);
        if (profile is null) return Problems.BadRequest($"invalid profile: {string.Join("; ", reasons)}", reasons);
        await store.PutProfileAsync(profile, ct);
        // Containers using it read it again on their next batch, not after ProfileRefresh.
        await engine.InvalidateProfilesAsync(ct);
        ILogger logger = loggers.CreateLogger(Log.Category);
        Log.ProfileStored(logger, name);
        await AssignmentNotifier.NotifyChangedAsync(listeners, profile, logger, ct);
        return TypedResults.Json(ProfileMapper.ToDto(profile, "stored"), RulesApiJson.Default.ProfileDto);
    }

    /// <summary>The profile the engine would use for that name: stored first, then the presets.</summary>
    public static async Task<(Profile? Profile, string Source)> FindAsync(IRuleStore store, string name, CancellationToken ct)
    {
        if (await store.GetProfileAsync(name, ct) is { } stored) return (stored, "stored");
        return (ProfilePresets.Find(name), "preset");
    }
}
