namespace Tracking.Chaos.Tests;

/// <summary>
/// One chaos scenario: what it does to the system while the fleet runs (<see cref="Faults"/>, started with the voyage),
/// and how the rig is built for it (fault proxies in front of the broker or InfluxDB, extra gateway settings).
/// </summary>
public sealed record ChaosScenario(string Name, string Title, Func<ChaosRig, Task> Faults)
{
    /// <summary>The gateway reaches the broker through a <see cref="FaultProxy"/> (<see cref="ChaosRig.BrokerProxy"/>).</summary>
    public bool ProxyBroker { get; init; }

    /// <summary>The gateway reaches InfluxDB through a <see cref="FaultProxy"/> (<see cref="ChaosRig.InfluxProxy"/>).</summary>
    public bool ProxyInflux { get; init; }

    public IReadOnlyList<string> GatewayArguments { get; init; } = [];

    /// <summary>
    /// Above zero: the gateway's spool directory (segments, checkpoints, dead letters, rules.db, the alert outbox) is a
    /// tmpfs of this many bytes that the scenario can fill (<see cref="ChaosRig.Disk"/>). Needs root: the scenario is
    /// skipped, with that reason, where the tests do not run as root.
    /// </summary>
    public long DiskBytes { get; init; }

    public override string ToString() => Name;
}
