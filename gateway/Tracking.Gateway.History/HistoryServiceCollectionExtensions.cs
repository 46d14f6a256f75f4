using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Rules.Report;
using Tracking.Influx;
using Tracking.Influx.Query;

namespace Tracking.Gateway.History;

/// <summary>Registers <see cref="InfluxReadingHistory"/> as the trip report's <see cref="IReadingHistory"/> and the live API's <see cref="ILiveHistory"/>, on the "Influx" settings.</summary>
public static class HistoryServiceCollectionExtensions
{
    public static IServiceCollection AddInfluxReadingHistory(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new InfluxQueryClient(sp.GetRequiredService<IOptions<InfluxOptions>>().Value,
            logger: sp.GetService<ILogger<InfluxQueryClient>>()));
        services.TryAddSingleton(sp => new InfluxReadingHistory(sp.GetRequiredService<InfluxQueryClient>()));
        services.TryAddSingleton<IReadingHistory>(sp => sp.GetRequiredService<InfluxReadingHistory>());
        services.TryAddSingleton<ILiveHistory>(sp => sp.GetRequiredService<InfluxReadingHistory>());
        return services;
    }
}
