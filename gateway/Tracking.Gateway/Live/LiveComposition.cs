using Tracking.Gateway.Api.Live;
using Tracking.Gateway.History;
using Tracking.Gateway.Ingest.Consumers;

namespace Tracking.Gateway.Live;

/// <summary>
/// The live API in the gateway: its view fed by the "live" spool reader (<see cref="LiveFeed"/>) and its history read
/// from InfluxDB (<see cref="InfluxReadingHistory"/>). After a restart the view is refilled from InfluxDB's last values
/// (the spool reader resumes at its checkpoint and does not replay what it had confirmed).
/// </summary>
public static class LiveComposition
{
    public static IServiceCollection AddLiveFeed(this IServiceCollection services, IConfiguration config)
    {
        services.AddLiveApi(config);
        // Registered after the live API's fallback (NoLiveHistory, 503): the last registration is the one resolved.
        services.AddInfluxReadingHistory();
        services.AddSingleton<ILiveHistory>(sp => sp.GetRequiredService<InfluxReadingHistory>());
        services.AddSingleton<LiveFeed>();
        services.AddSingleton<ISpoolConsumer>(sp => sp.GetRequiredService<LiveFeed>());
        return services;
    }
}
