namespace Tracking.Chaos.Tests;

/// <summary>
/// How big a chaos run is: CI's (the default; all scenarios together within about 3 minutes on 2 cores) or the full size
/// of <c>scripts/chaos</c> (environment TRACKING_CHAOS_SIZE=full).
/// </summary>
/// <param name="Tags">Virtual tags; the first 5 x <paramref name="ScenarioSets"/> are scenario containers (alerts happen).</param>
/// <param name="Duration">Simulated voyage (the simulator's --duration; scenarios need 8 h at least).</param>
/// <param name="Wall">Real time the voyage is paced over, so that the faults happen while the tags send.</param>
/// <param name="InfluxDown">How long influxd stays down in the influxd scenario (issue 14: 60 s at full size).</param>
/// <param name="FaultHold">How long a proxy fault (cut, delay, black hole) or a stopped broker lasts.</param>
public sealed record ChaosSize(string Name, int Tags, int ScenarioSets, string Duration, TimeSpan Wall, TimeSpan InfluxDown, TimeSpan FaultHold)
{
    public static readonly ChaosSize Ci = new("ci", 5, 1, "12h", TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1.5));

    public static readonly ChaosSize Full = new("full", 25, 1, "12h", TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(8));

    public static ChaosSize Current => Environment.GetEnvironmentVariable("TRACKING_CHAOS_SIZE") == "full" ? Full : Ci;

    public override string ToString() =>
        $"{Name}: {Tags} tags ({5 * ScenarioSets} scenario containers), {Duration} of voyage over {Wall.TotalSeconds:0} s";
}
