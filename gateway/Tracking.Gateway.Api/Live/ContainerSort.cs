namespace Tracking.Gateway.Api.Live;

/// <summary>What <c>GET /api/v1/containers?sort=</c> orders by (<c>-</c> before the name: descending).</summary>
public enum ContainerSort
{
    Container,
    Fleet,
    State,
    LastSeen,
    TempC,
    BatteryV,
}
