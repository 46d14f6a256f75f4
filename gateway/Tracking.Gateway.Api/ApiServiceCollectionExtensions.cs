using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Health;
using Tracking.Gateway.Api.Reports;
using Tracking.Gateway.Api.Rules;

namespace Tracking.Gateway.Api;

/// <summary>Registers the API room: the status it reports (a type of the host's), the rules API, and their endpoints.</summary>
public static class ApiServiceCollectionExtensions
{
    public static IServiceCollection AddApi<TStatus>(this IServiceCollection services)
        where TStatus : class, IGatewayStatus
    {
        services.AddSingleton<IGatewayStatus, TStatus>();
        // Mapped by the host's pipeline when it is built, so the host needs no call of its own for the endpoints.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, ApiEndpointsStartupFilter>());
        return services;
    }

    /// <summary>
    /// The rules API (docs/api.md) and its OpenAPI document. Needs the rules room (<c>AddRules</c>) for the engine and
    /// the store, and the endpoints mapping of <see cref="AddApi{TStatus}"/>. The "Api" section (Api:TokenFile) is
    /// checked at start: a named token file that cannot be read or holds no token stops the start.
    /// </summary>
    public static IServiceCollection AddRulesApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>());
        services.TryAddSingleton<ApiTokens>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApiEndpointGroup, RulesEndpointGroup>());
        // The trip report (Reports/): reads the IReadingHistory the host registers; 503 without one.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApiEndpointGroup, ReportEndpointGroup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, TokenLogStartupFilter>());
        services.AddProblemDetails(options => options.CustomizeProblemDetails = RoutingProblemDetails.Customize);
        services.AddOpenApi(options =>
        {
            // The bearer scheme once, and the requirement on the operations that need the operator token.
            options.AddDocumentTransformer<BearerSecurityTransformer>();
            options.AddOperationTransformer<BearerSecurityTransformer>();
        });
        return services;
    }
}
