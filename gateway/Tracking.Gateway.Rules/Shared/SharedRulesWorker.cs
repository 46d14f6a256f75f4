using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// The hosted <see cref="SharedRulesMember"/> of a gateway in shared mode. Its start checks the shared log's set-up (the
/// partition count): a gateway configured with another count than the database's does not start.
/// </summary>
public sealed class SharedRulesWorker(RuleEngine engine, SharedRuleLog log, PartitionOwnership ownership, IOptions<RulesOptions> options,
    IOptions<RuleStoreOptions> store, TimeProvider time, ILogger<SharedRulesWorker> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Enabled) await log.EnsureAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Rules switched off: nothing is appended, and nothing needs evaluating.
        if (!options.Value.Enabled) return;
        string connection = PostgresConnectionFile.Read(store.Value.PostgresConnectionFile!);
        await using var member = new SharedRulesMember(engine, log, ownership, connection, options.Value.Shared, time, logger);
        await member.RunAsync(stoppingToken);
    }
}
