using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Api.Health;

namespace Tracking.Gateway.Api;

/// <summary>Registers the API room: the status it reports (a type of the host's) and its endpoints.</summary>
public static class ApiServiceCollectionExtensions
{
    public static IServiceCollection AddApi<TStatus>(this IServiceCollection services)
        where TStatus : class, IGatewayStatus
    {
        services.AddSingleton<IGatewayStatus, TStatus>();
        // Mapped by the host's pipeline when it is built, so the host needs no call of its own for the endpoints.
        services.AddSingleton<IStartupFilter, ApiEndpointsStartupFilter>();
        return services;
    }
}
