using Microsoft.AspNetCore.Http;

namespace Tracking.Gateway.Api.Auth;

/// <summary>
/// The fleets a caller may see and change: every fleet (an unscoped token, or an open GET when no token is scoped), or
/// the fleets its token line names (docs/api.md, "Tokens and fleets"). Set on the request by the token filters.
/// </summary>
public sealed class FleetScope
{
    private const string ItemKey = "Tracking.FleetScope";

    public static readonly FleetScope All = new(null);

    private readonly HashSet<string>? _fleets;

    public FleetScope(IEnumerable<string>? fleets) => _fleets = fleets is null ? null : new HashSet<string>(fleets, StringComparer.Ordinal);

    /// <summary>Null: every fleet.</summary>
    public IReadOnlySet<string>? Fleets => _fleets;

    public bool IsAll => _fleets is null;

    public bool Allows(string fleet) => _fleets is null || _fleets.Contains(fleet);

    /// <summary>The caller's scope as the filters set it; every fleet when no filter ran (the routes without one).</summary>
    public static FleetScope Of(HttpContext http) => http.Items.TryGetValue(ItemKey, out object? scope) && scope is FleetScope s ? s : All;

    internal static void Set(HttpContext http, FleetScope scope) => http.Items[ItemKey] = scope;
}
