using Tracking.Gateway.Rules.Alerts;

namespace Tracking.Gateway.Api.Live;

/// <summary>
/// The one rule that gives a container its state (docs/api.md, "Container states"): the most urgent of what its
/// unresolved alerts (open or acknowledged: an acknowledged excursion is still an excursion) and its predictive warnings
/// say, where excursion (temp_high, temp_low, rh_high, rh_low, mkt_high) &gt; silent (tag_silent) &gt; low battery
/// (battery_low) &gt; warning (a predictive warning, or any other alert such as shock) &gt; ok (a reading seen) &gt;
/// unknown (nothing seen but statuses or alerts).
/// </summary>
public static class LiveStates
{
    public static LiveState Of(bool hasReading, IReadOnlyList<Alert> unresolved, int warnings)
    {
        LiveState state = hasReading ? LiveState.Ok : LiveState.Unknown;
        if (warnings > 0) state = LiveState.Warning;
        for (int i = 0; i < unresolved.Count; i++) // not foreach: an interface's enumerator is an allocation per message
        {
            LiveState s = OfKind(unresolved[i].Kind);
            if (s > state) state = s;
        }
        return state;
    }

    public static LiveState OfKind(string kind) => kind switch
    {
        "temp_high" or "temp_low" or "rh_high" or "rh_low" or "mkt_high" => LiveState.Excursion,
        "tag_silent" => LiveState.Silent,
        "battery_low" => LiveState.LowBattery,
        _ => LiveState.Warning,
    };

    public static string Name(LiveState state) => state switch
    {
        LiveState.Ok => "ok",
        LiveState.Warning => "warning",
        LiveState.LowBattery => "low_battery",
        LiveState.Silent => "silent",
        LiveState.Excursion => "excursion",
        _ => "unknown",
    };

    public static bool TryParse(string name, out LiveState state)
    {
        foreach (LiveState s in Enum.GetValues<LiveState>())
        {
            if (Name(s) == name)
            {
                state = s;
                return true;
            }
        }
        state = default;
        return false;
    }
}
