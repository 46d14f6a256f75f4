namespace Tracking.Bench;

/// <summary>
/// Something attached to one of `ingest`'s gateway runs for its measured window: `sse-fanout`'s stream clients. It is
/// started after the gateway's warm-up (so the warm-up's events are not its business) and before the first publish, and
/// stopped once every reading is queryable; its process's CPU is shown beside the others'.
/// </summary>
internal interface IGatewayRunObserver
{
    /// <summary>The name the CPU figures give this benchmark process while the observer runs in it.</summary>
    string CpuName { get; }

    /// <summary>Attaches to <paramref name="gateway"/>; <paramref name="messages"/> telemetry messages of <paramref name="fleet"/> follow.</summary>
    Task StartAsync(GatewayProcess gateway, string fleet, int messages);

    /// <summary>The run's readings are all queryable; finish (the gateway still runs).</summary>
    Task StopAsync(GatewayProcess gateway);
}
