using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Gateway.Api.Rules;
using Tracking.Gateway.Rules.Notifications;

namespace Tracking.Gateway.Api.Live;

/// <summary>
/// Registers the live API: the <see cref="LiveBoard"/> and <see cref="StreamHub"/>, their feeds from the rules (an alert
/// sink, a profile listener, the refresher), and the endpoints. Needs <c>AddRulesApi</c>. The host feeds the board
/// from a spool reader of its own and registers an <see cref="ILiveHistory"/> (else the readings endpoint answers 503).
/// </summary>
public static class LiveServiceCollectionExtensions
{
    public static IServiceCollection AddLiveApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LiveOptions>().Bind(configuration.GetSection(LiveOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LiveOptions>, LiveOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StreamHub>();
        services.TryAddSingleton<LiveBoard>();
        services.TryAddSingleton<ILiveHistory, NoLiveHistory>();
        services.AddSingleton<IAlertSink, LiveAlertSink>();
        services.AddSingleton<IProfileAssignmentListener, LiveProfileListener>();
        services.TryAddSingleton<LiveRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveRefresher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApiEndpointGroup, LiveEndpointGroup>());
        return services;
    }
}
