using Microsoft.Extensions.Options;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Shared;
using Tracking.Gateway.Rules.Store;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.Rules;

/// <summary>
/// The rules feed in shared mode (Rules:Shared), on a real PostgreSQL server: it appends each batch's inputs to the shared
/// log (a replay not twice), confirms at once, and leaves evaluation to the partition owners (its engine is not fed).
/// </summary>
public sealed class RulesFeedSharedTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Topic = "tracking/v1/acme/CSQU3054383/tag-1/telemetry";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static TagMessage Message(int i)
    {
        long t = T0.AddMinutes(5 * i).ToUnixTimeMilliseconds();
        byte[] payload = System.Text.Encoding.UTF8.GetBytes(FormattableString.Invariant(
            $"{{\"v\":1,\"boot\":1,\"seq\":{i * 2},\"t0\":{t},\"bat\":3.9,\"r\":[[0,9,50,1013,0.1],[300,9.5,50,1013,0.1]]}}"));
        Assert.True(TrackingTopic.TryParse(Topic, strictContainerIds: true, out TrackingTopic topic, out Rejection rejection), rejection.Detail);
        var decoder = new MessageDecoder();
        Assert.True(decoder.TryDecode(topic, payload, t, out rejection), rejection.Detail);
        return TagMessage.From(topic, decoder.Message, t);
    }

    [Fact]
    public async Task The_feed_appends_to_the_shared_log_once_and_confirms_at_once()
    {
        string database = $"feed_{Guid.NewGuid():N}";
        await postgres.Server.CreateDatabaseAsync(database);
        string cs = postgres.Server.ConnectionString(database);
        await using PostgresRuleStore store = await PostgresRuleStore.OpenAsync(cs);
        await using var log = new SharedRuleLog(cs, 4);
        await log.EnsureAsync();
        var options = Options.Create(new RulesOptions { StateSaveInterval = TimeSpan.FromSeconds(1) });
        var ownership = new PartitionOwnership(4);
        var engine = new RuleEngine(new SharedRuleStore(store, log, ownership), [], options, TimeProvider.System, ownership: ownership);
        var feed = new RulesFeed(engine, options, sharedLog: log);

        Assert.Equal(TimeSpan.Zero, feed.SaveInterval);
        TagMessage[] batch = [.. Enumerable.Range(0, 5).Select(Message)];
        await feed.ConsumeAsync(batch, default);
        await feed.ConsumeAsync(batch[2..], default); // the spool replaying after a crash
        // Two readings per message, each once; the message's battery volts on its last reading (issue 12: no third row).
        Assert.Equal(10L, await postgres.Server.ExecuteAsync("SELECT COUNT(*) FROM rule_inputs", database));
        Assert.Equal(10L, await postgres.Server.ExecuteAsync("SELECT COUNT(*) FROM rule_inputs WHERE kind = 0 AND time_ms > 0", database));
        Assert.Equal(5L, await postgres.Server.ExecuteAsync("SELECT COUNT(*) FROM rule_inputs WHERE battery_v = 3.9 AND input_seq % 2 = 1", database));
        Assert.Empty(await engine.TagsAsync(new ContainerKey("acme", "CSQU3054383")));
        Assert.Equal(0, engine.UnsavedContainers);
    }
}
