using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Tracking.Gateway.Rules.Store;

/// <summary>Registers the rules' state store chosen by Rules:Store (the rules room's AddRules calls it).</summary>
public static class RuleStoreServiceCollectionExtensions
{
    public static IServiceCollection AddRuleStore(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<RuleStoreOptions>().Bind(config.GetSection(RuleStoreOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RuleStoreOptions>, RuleStoreOptionsValidator>());
        services.TryAddSingleton(sp => Open(sp.GetRequiredService<IOptions<RuleStoreOptions>>().Value,
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        return services;
    }

    /// <summary>
    /// Opens the store and migrates it. Synchronously, because a DI factory is synchronous; it runs once, when the store is
    /// first resolved at start-up, on a host without a synchronization context, so the wait cannot deadlock.
    /// </summary>
    internal static IRuleStore Open(RuleStoreOptions options, ILoggerFactory loggers)
    {
        ILogger logger = loggers.CreateLogger("Tracking.Gateway.Rules.Store");
        switch (options.Kind.Trim().ToLowerInvariant())
        {
            case RuleStoreKind.Memory:
                RuleStoreLog.MemoryOnly(logger, RuleStoreKind.Memory);
                return new InMemoryRuleStore();
            case RuleStoreKind.Postgres:
                string connection = PostgresConnectionFile.Read(options.PostgresConnectionFile!);
                return PostgresRuleStore.OpenAsync(connection, logger).GetAwaiter().GetResult();
            default:
                try
                {
                    return SqliteRuleStore.OpenAsync(options.SqlitePath, options.SqliteBusyTimeout, logger).GetAwaiter().GetResult();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
                {
                    throw new RuleStoreUnusableException($"rule store '{options.SqlitePath}' cannot be opened: {ex.Message}", options.SqlitePath, ex);
                }
        }
    }
}
