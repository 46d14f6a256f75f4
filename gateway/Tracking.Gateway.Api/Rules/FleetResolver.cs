using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Api.Rules;

/// <summary>
/// Which fleet a container of a URL belongs to. Containers are keyed by (fleet, container); a caller names the fleet
/// (<c>?fleet=</c> or a body field), else it is the one fleet the container is known in. Two fleets with that container
/// number, or none, and the caller must name it. Known: the live view (<see cref="LiveBoard"/>, when the live API is
/// there) has seen anything of it, or the rules have saved state for it. The saved states alone lagged the first data
/// by up to <c>Rules:StateSaveInterval</c>: a container's page opened from its first alert answered 404 for about a second.
/// </summary>
internal static class FleetResolver
{
    /// <summary>Resolves with the live view of <paramref name="http"/>'s services, if there is one.</summary>
    public static Task<(ContainerKey Key, IResult? Problem)> ResolveAsync(IRuleStore store, string? fleet, string container, HttpContext http,
        CancellationToken ct) =>
        ResolveAsync(store, fleet, container, ct, FleetScope.Of(http), http.RequestServices.GetService<LiveBoard>());

    /// <summary>Whether the container is known (see the class), with the live view of <paramref name="http"/>'s services.</summary>
    public static Task<bool> KnownAsync(IRuleStore store, ContainerKey key, HttpContext http, CancellationToken ct) =>
        KnownAsync(store, key, ct, http.RequestServices.GetService<LiveBoard>());

    public static async Task<(ContainerKey Key, IResult? Problem)> ResolveAsync(IRuleStore store, string? fleet, string container, CancellationToken ct,
        FleetScope? scope = null, LiveBoard? board = null)
    {
        scope ??= FleetScope.All;
        if (!Names.IsValidId(container)) return (default, Problems.BadRequest($"container '{container}' must be 1 to 64 of [A-Za-z0-9_-]"));
        if (fleet is not null)
        {
            if (!Names.IsValidId(fleet)) return (default, Problems.BadRequest($"fleet '{fleet}' must be 1 to 64 of [A-Za-z0-9_-]"));
            return scope.Allows(fleet)
                ? (new ContainerKey(fleet, container), null)
                : (default, Problems.Forbidden($"the token may not use fleet '{fleet}'"));
        }
        // Only the caller's fleets: a scoped caller learns nothing of a container in another fleet.
        IEnumerable<string> live = board?.FleetsOf(container, scope) ?? [];
        string[] fleets = [.. (await store.ListContainersAsync(ct)).Where(k => k.Container == container && scope.Allows(k.Fleet)).Select(k => k.Fleet)
            .Concat(live).Distinct().Order(StringComparer.Ordinal)];
        return fleets.Length switch
        {
            1 => (new ContainerKey(fleets[0], container), null),
            0 => (default, Problems.NotFound($"unknown container '{container}' (no data seen; name its fleet to assign before data comes)")),
            _ => (default, Problems.BadRequest($"container '{container}' is known in several fleets ({string.Join(", ", fleets)}): name the fleet")),
        };
    }

    /// <summary>Whether the live view has seen the container or the rules have state for it (it has sent data).</summary>
    public static async Task<bool> KnownAsync(IRuleStore store, ContainerKey key, CancellationToken ct, LiveBoard? board = null) =>
        (board is not null && board.FleetsOf(key.Container, FleetScope.All).Contains(key.Fleet)) || (await store.ListContainersAsync(ct)).Contains(key);
}
