using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Api.Rules;

/// <summary>The handlers of <c>/api/v1/alerts</c>: list, one alert, acknowledge.</summary>
internal static class AlertEndpoints
{
    public const int MaxLimit = 1000, DefaultLimit = 100, MaxByLength = 128, MaxNoteLength = 2000;

    public static async Task<IResult> ListAsync([FromQuery] string? state, [FromQuery] string? fleet, [FromQuery] string? container,
        [FromQuery] string? limit, [FromServices] IRuleStore store, HttpContext http, CancellationToken ct)
    {
        AlertState? wanted = null;
        if (state is not null)
        {
            wanted = state switch { "open" => AlertState.Open, "acknowledged" => AlertState.Acknowledged, "resolved" => AlertState.Resolved, _ => null };
            if (wanted is null) return Problems.BadRequest($"state '{state}' must be open, acknowledged or resolved");
        }
        if (fleet is not null && !Names.IsValidId(fleet)) return Problems.BadRequest($"fleet '{fleet}' must be 1 to 64 of [A-Za-z0-9_-]");
        if (container is not null && !Names.IsValidId(container)) return Problems.BadRequest($"container '{container}' must be 1 to 64 of [A-Za-z0-9_-]");
        int count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            return Problems.BadRequest($"limit '{limit}' must be an integer from 1 to {MaxLimit}");
        }
        FleetScope scope = FleetScope.Of(http);
        if (fleet is not null && !scope.Allows(fleet)) return Problems.Forbidden($"the token may not use fleet '{fleet}'");
        IReadOnlyList<Alert> alerts = fleet is not null || scope.Fleets is null
            ? await store.ListAlertsAsync(new AlertQuery(wanted, fleet, container, count), ct)
            : await ListScopedAsync(store, scope.Fleets, wanted, container, count, ct);
        return TypedResults.Json<IReadOnlyList<AlertDto>>([.. alerts.Select(AlertDto.From)], RulesApiJson.Default.IReadOnlyListAlertDto);
    }

    /// <summary>Each of the caller's fleets' newest, merged newest first: what one unscoped query would return of them.</summary>
    private static async Task<IReadOnlyList<Alert>> ListScopedAsync(IRuleStore store, IReadOnlySet<string> fleets, AlertState? state,
        string? container, int count, CancellationToken ct)
    {
        List<Alert> all = [];
        foreach (string f in fleets) all.AddRange(await store.ListAlertsAsync(new AlertQuery(state, f, container, count), ct));
        return [.. all.OrderByDescending(a => a.Id).Take(count)];
    }

    public static async Task<IResult> GetAsync(string id, [FromServices] IRuleStore store, HttpContext http, CancellationToken ct)
    {
        if (ParseId(id) is not { } number) return Problems.BadRequest($"alert id '{id}' must be a positive integer");
        // Another fleet's alert is "unknown" to a scoped caller, as if it did not exist.
        return await store.GetAlertAsync(number, ct) is { } alert && FleetScope.Of(http).Allows(alert.Container.Fleet)
            ? TypedResults.Json(AlertDto.From(alert), RulesApiJson.Default.AlertDto)
            : Problems.NotFound($"unknown alert {number}");
    }

    public static async Task<IResult> AcknowledgeAsync(string id, HttpRequest request, [FromServices] IRuleStore store,
        [FromServices] RuleEngine engine, HttpContext http, CancellationToken ct)
    {
        if (ParseId(id) is not { } number) return Problems.BadRequest($"alert id '{id}' must be a positive integer");
        (AcknowledgeDto? body, IResult? problem) = await RequestBody.ReadAsync(request, RulesApiJson.Default.AcknowledgeDto, ct);
        if (problem is not null) return problem;
        string by = body!.By.Trim();
        if (by.Length is 0 or > MaxByLength || by.Any(char.IsControl))
        {
            return Problems.BadRequest($"by must be 1 to {MaxByLength} characters without control characters");
        }
        if (body.Note is { } note && (note.Length > MaxNoteLength || note.Any(c => char.IsControl(c) && c is not '\n' and not '\t')))
        {
            return Problems.BadRequest($"note must be at most {MaxNoteLength} characters without control characters but newlines and tabs");
        }
        if (await store.GetAlertAsync(number, ct) is not { } before || !FleetScope.Of(http).Allows(before.Container.Fleet))
        {
            return Problems.NotFound($"unknown alert {number}");
        }
        if (before.State != AlertState.Open)
        {
            string state = before.State == AlertState.Acknowledged
                ? $"already acknowledged by {before.AcknowledgedBy} at {before.AcknowledgedAt:O}"
                : $"resolved at {before.ResolvedAt:O}";
            return Problems.Conflict($"alert {number} is {state}");
        }
        // Through the engine, not the store: it notifies the sinks (MQTT, webhooks) and resolves momentary alerts.
        return await engine.AcknowledgeAsync(number, by, body.Note, ct) is { } acked
            ? TypedResults.Json(AlertDto.From(acked), RulesApiJson.Default.AlertDto)
            : Problems.NotFound($"unknown alert {number}");
    }

    private static long? ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n > 0 ? n : null;
}
