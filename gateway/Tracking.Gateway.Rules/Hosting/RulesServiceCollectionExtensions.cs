using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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
        AddRuleStore(services, configuration);
        services.TryAddSingleton<RuleEngine>();
        services.AddHostedService<RulesTimerService>();
        return services;
    }

    /// <summary>
    /// The single place the rule store is chosen. In memory until the SQLite and PostgreSQL stores land; they will be
    /// picked here from configuration. TryAdd: a host (or a test) that registered its own store first keeps it.
    /// </summary>
    private static void AddRuleStore(IServiceCollection services, IConfiguration configuration)
    {
        _ = configuration;
        services.TryAddSingleton<IRuleStore, InMemoryRuleStore>();
    }
}
