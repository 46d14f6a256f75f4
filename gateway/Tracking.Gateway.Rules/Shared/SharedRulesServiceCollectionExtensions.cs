using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Shared;

/// <summary>Shared mode's services (AddRules calls it before the store is registered, so its store wins).</summary>
public static class SharedRulesServiceCollectionExtensions
{
    public const string EnabledKey = RulesOptions.Section + ":Shared:Enabled";

    public static IServiceCollection AddSharedRules(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RulesOptions>, SharedRulesOptionsValidator>());
        if (!configuration.GetValue(EnabledKey, false)) return services;

        services.TryAddSingleton(sp => new PartitionOwnership(sp.GetRequiredService<IOptions<RulesOptions>>().Value.Shared.Partitions));
        services.TryAddSingleton<IContainerOwnership>(sp => sp.GetRequiredService<PartitionOwnership>());
        services.TryAddSingleton(sp => new SharedRuleLog(ConnectionString(sp), sp.GetRequiredService<PartitionOwnership>().Partitions));
        services.TryAddSingleton<IRuleStore>(sp =>
        {
            RuleStoreOptions store = sp.GetRequiredService<IOptions<RuleStoreOptions>>().Value;
            IRuleStore inner = RuleStoreServiceCollectionExtensions.Open(store, sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
            return new SharedRuleStore(inner, sp.GetRequiredService<SharedRuleLog>(), sp.GetRequiredService<PartitionOwnership>());
        });
        services.AddHostedService<SharedRulesWorker>();
        return services;
    }

    private static string ConnectionString(IServiceProvider sp)
    {
        RuleStoreOptions store = sp.GetRequiredService<IOptions<RuleStoreOptions>>().Value;
        if (!string.Equals(store.Kind?.Trim(), RuleStoreKind.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{EnabledKey} needs {RuleStoreOptions.SectionName}:Kind postgres, not '{store.Kind}'");
        }
        return PostgresConnectionFile.Read(store.PostgresConnectionFile!);
    }
}
