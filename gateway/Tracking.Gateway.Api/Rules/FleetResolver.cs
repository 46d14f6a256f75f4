using Microsoft.AspNetCore.Http;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Api.Rules;

/// <summary>
/// Which fleet a container of a URL belongs to. Containers are keyed by (fleet, container); a caller names the fleet
/// (<c>?fleet=</c> or a body field), else it is the one fleet the rules have state for that container in. Two fleets
/// with that container number, or none, and the caller must name it.
/// </summary>
internal static class FleetResolver
{
    public static async Task<(ContainerKey Key, IResult? Problem)> ResolveAsync(IRuleStore store, string? fleet, string container, CancellationToken ct,
        FleetScope? scope = null)
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
        string[] fleets = [.. (await store.ListContainersAsync(ct)).Where(k => k.Container == container && scope.Allows(k.Fleet)).Select(k => k.Fleet)
            .Distinct().Order(StringComparer.Ordinal)];
        return fleets.Length switch
        {
            1 => (new ContainerKey(fleets[0], container), null),
            0 => (default, Problems.NotFound($"unknown container '{container}' (no data seen; name its fleet to assign before data comes)")),
            _ => (default, Problems.BadRequest($"container '{container}' is known in several fleets ({string.Join(", ", fleets)}): name the fleet")),
        };
    }

    /// <summary>Whether the rules have state for the container (it has sent data).</summary>
    public static async Task<bool> KnownAsync(IRuleStore store, ContainerKey key, CancellationToken ct) =>
        (await store.ListContainersAsync(ct)).Contains(key);
}
