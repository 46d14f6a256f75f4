using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Shared;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using Tracking.Testing;

namespace Tracking.Gateway.Rules.Tests.Shared;

/// <summary>
/// One gateway's rules in shared mode, in this process: its own PostgreSQL store and log (own connection pools), its own
/// ownership, engine, sink and member; several on one database are gateways sharing state.
/// </summary>
public sealed class SharedGateway : IAsyncDisposable
{
    private SharedGateway(PostgresRuleStore pg, SharedRuleLog log, PartitionOwnership ownership, RuleEngine engine, SharedRulesMember member)
    {
        Pg = pg;
        Log = log;
        Ownership = ownership;
        Engine = engine;
        Member = member;
    }

    public PostgresRuleStore Pg { get; }
    public SharedRuleLog Log { get; }
    public PartitionOwnership Ownership { get; }
    public RuleEngine Engine { get; }
    public SharedRulesMember Member { get; }
    public RecordingSink Sink { get; private init; } = new();

    public static async Task<SharedGateway> StartAsync(string connectionString, int partitions, TimeProvider time, string name, int readBatch = 1000)
    {
        PostgresRuleStore pg = await PostgresRuleStore.OpenAsync(connectionString);
        var log = new SharedRuleLog(connectionString, partitions);
        await log.EnsureAsync();
        var ownership = new PartitionOwnership(partitions);
        var store = new SharedRuleStore(pg, log, ownership);
        var sink = new RecordingSink();
        var engine = new RuleEngine(store, [sink], Options.Create(new RulesOptions()), time, ownership: ownership);
        var options = new SharedRulesOptions { Enabled = true, Partitions = partitions, ReadBatch = readBatch };
        var member = new SharedRulesMember(engine, log, ownership, connectionString, options, time, name: name);
        return new SharedGateway(pg, log, ownership, engine, member) { Sink = sink };
    }

    public async ValueTask DisposeAsync()
    {
        await Member.LetGoAsync();
        await Log.DisposeAsync();
        await Pg.DisposeAsync();
    }
}
