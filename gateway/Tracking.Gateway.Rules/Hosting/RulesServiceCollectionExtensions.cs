using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Shared;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Hosting;

/// <summary>Composes the rules into a host: options, the store, the engine and its timer.</summary>
public static class RulesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RuleEngine"/> (singleton), the "Rules" options (validated at start), the silence/escalation
    /// timer as a hosted service and the rule store. Alert sinks are registered by their own rooms as
    /// <c>services.AddSingleton&lt;IAlertSink, T&gt;()</c>; the engine publishes to all of them.
    /// </summary>
    public static IServiceCollection AddRules(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RulesOptions>().Bind(configuration.GetSection(RulesOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RulesOptions>, RulesOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // Shared mode (Rules:Shared:Enabled) registers its store first: the PostgreSQL store, saving through the shared log.
        services.AddSharedRules(configuration);
        // The single place the store is chosen (Rules:Store:Kind); TryAdd: a store a host or test registered first stays.
        services.AddRuleStore(configuration);
        // One directory for the engine, the live view and the tag config publisher: a new container is looked up in memory.
        services.TryAddSingleton(sp => new ProfileDirectory(sp.GetRequiredService<IRuleStore>(),
            sp.GetRequiredService<IOptions<RulesOptions>>().Value.ProfileRefresh, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<RuleEngine>();
        services.AddHostedService<RulesTimerService>();
        return services;
    }
}
