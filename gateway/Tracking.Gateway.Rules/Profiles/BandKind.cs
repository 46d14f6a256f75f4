namespace Tracking.Gateway.Rules.Profiles;

/// <summary>
/// Which side of a band is outside: <see cref="Upper"/> at or above <see cref="Band.Limit"/>, <see cref="Lower"/> at or
/// below it (thresholds are inclusive, as WHO PQS indicators: 30.0 triggers a 30 C limit, 29.9 does not), <see cref="Dual"/>
/// at or below <see cref="Band.Low"/> or at or above <see cref="Band.High"/>.
/// </summary>
public enum BandKind
{
    Upper,
    Lower,
    Dual,
}
