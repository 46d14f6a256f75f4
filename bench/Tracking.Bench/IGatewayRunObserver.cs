namespace Tracking.Bench;

/// <summary>
/// Something attached to one of `ingest`'s gateway runs: `sse-fanout`'s stream clients. It attaches before the gateway's
/// warm-up (dashboards are open before the load: the gateway's buffers for them grow in the warm-up, as JIT and windows
/// do), is started before the first measured publish and stopped once every reading is queryable; its process's CPU is
/// shown beside the others'.
/// </summary>
internal interface IGatewayRunObserver
{
    /// <summary>The name the CPU figures give this benchmark process while the observer runs in it.</summary>
    string CpuName { get; }

    /// <summary>Attaches to <paramref name="gateway"/> before the warm-up, which sends <paramref name="readings"/> readings of <paramref name="fleet"/>.</summary>
    Task AttachAsync(GatewayProcess gateway, string fleet, int readings);

    /// <summary>
    /// The warm-up is written: waits until the observer had its readings too, then counts the <paramref name="messages"/>
    /// telemetry messages that follow.
    /// </summary>
    Task StartAsync(GatewayProcess gateway, int messages);

    /// <summary>The run's readings are all queryable; finish (the gateway still runs).</summary>
    Task StopAsync(GatewayProcess gateway);
}
