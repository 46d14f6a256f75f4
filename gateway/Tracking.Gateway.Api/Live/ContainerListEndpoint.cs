using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live.Dto;
using Tracking.Gateway.Api.Rules;

namespace Tracking.Gateway.Api.Live;

/// <summary><c>GET /api/v1/containers</c>: the fleet list from the <see cref="LiveBoard"/>, filtered, sorted and paged.</summary>
internal static class ContainerListEndpoint
{
    public const int DefaultPageSize = 100, MaxTextLength = 64;

    public static IResult List([FromQuery] string? fleet, [FromQuery] string? state, [FromQuery] string? q, [FromQuery] string? sort,
        [FromQuery] string? page, [FromQuery(Name = "page_size")] string? pageSize, [FromServices] LiveBoard board, HttpContext http)
    {
        FleetScope scope = FleetScope.Of(http);
        if (fleet is not null && !Names.IsValidId(fleet)) return Problems.BadRequest($"fleet '{fleet}' must be 1 to 64 of [A-Za-z0-9_-]");
        if (fleet is not null && !scope.Allows(fleet)) return Problems.Forbidden($"the token may not use fleet '{fleet}'");
        int mask = 0;
        if (state is not null)
        {
            foreach (string name in state.Split(','))
            {
                if (!LiveStates.TryParse(name.Trim(), out LiveState s))
                {
                    return Problems.BadRequest($"state '{name}' must be one of ok, warning, excursion, silent, low_battery, unknown (comma-separated)");
                }
                mask |= 1 << (int)s;
            }
        }
        if (q is not null && (q.Length is 0 or > MaxTextLength || q.Any(char.IsControl)))
        {
            return Problems.BadRequest($"q must be 1 to {MaxTextLength} characters without control characters");
        }
        (ContainerSort order, bool descending) = (ContainerSort.State, true);
        if (sort is not null && !TryParseSort(sort, out order, out descending))
        {
            return Problems.BadRequest($"sort '{sort}' must be container, fleet, state, last_seen, temp_c or battery_v, with - before it for descending");
        }
        int number = 1, size = DefaultPageSize;
        if (page is not null && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number < 1))
        {
            return Problems.BadRequest($"page '{page}' must be a positive integer");
        }
        if (pageSize is not null && (!int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > LiveBoard.MaxPageSize))
        {
            return Problems.BadRequest($"page_size '{pageSize}' must be an integer from 1 to {LiveBoard.MaxPageSize}");
        }
        ContainerPageDto result = board.Query(new ContainerQuery(fleet, mask, q, order, descending, number, size), scope);
        return TypedResults.Json(result, LiveApiJson.Default.ContainerPageDto);
    }

    private static bool TryParseSort(string sort, out ContainerSort order, out bool descending)
    {
        descending = sort.StartsWith('-');
        ContainerSort? parsed = (descending ? sort[1..] : sort) switch
        {
            "container" => ContainerSort.Container,
            "fleet" => ContainerSort.Fleet,
            "state" => ContainerSort.State,
            "last_seen" => ContainerSort.LastSeen,
            "temp_c" => ContainerSort.TempC,
            "battery_v" => ContainerSort.BatteryV,
            _ => null,
        };
        order = parsed ?? default;
        return parsed is not null;
    }
}
