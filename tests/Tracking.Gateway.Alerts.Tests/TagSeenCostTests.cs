using System.Diagnostics;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Alerts.Config;
using Tracking.Gateway.Alerts.Hosting;
using Tracking.Gateway.Alerts.Mqtt;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Xunit.Abstractions;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>
/// The rules feed tells the config publisher of every message's tag: for a tag already seen that must be a lookup, no
/// allocation and no queued work (the ingest benchmark's CPU budget is per message).
/// </summary>
public sealed class TagSeenCostTests(ITestOutputHelper output)
{
    private sealed class NoBroker : IAlertPublisher
    {
        public int Published;

        public ValueTask<string?> PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken ct)
        {
            Interlocked.Increment(ref Published);
            return ValueTask.FromResult<string?>(null);
        }
    }

    [Fact]
    public async Task A_known_tag_costs_a_lookup_without_allocation_or_work()
    {
        var store = new InMemoryRuleStore();
        var engine = new RuleEngine(store, [], Options.Create(new RulesOptions()), TimeProvider.System);
        await using var publisher = new MqttTagConfigPublisher(new NoBroker(), store, engine, new AlertsOptions(), gatewayDefault: null);
        ContainerKey[] boxes = [.. Enumerable.Range(0, 1000).Select(i => new ContainerKey("fleet1", $"C{i:D10}"))];
        foreach (ContainerKey box in boxes) publisher.TagSeen(box, "tag7");
        await Alerts.EventuallyAsync(() => publisher.Outbox.Processed == boxes.Length, "the first sightings");

        const int Rounds = 200;
        for (int r = 0; r < Rounds; r++)
        {
            foreach (ContainerKey box in boxes) publisher.TagSeen(box, "tag7"); // warm-up: tiered JIT
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (int r = 0; r < Rounds; r++)
        {
            foreach (ContainerKey box in boxes) publisher.TagSeen(box, "tag7");
        }
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        double ns = clock.Elapsed.TotalNanoseconds / (Rounds * boxes.Length);
        output.WriteLine($"TagSeen of a known tag: {ns:0.0} ns per message, {allocated} bytes allocated in {Rounds * boxes.Length} calls");
        // Nothing per call (a stray runtime allocation of a few bytes in 200,000 calls is not the lookup's).
        Assert.True(allocated < 1024, $"{allocated} bytes allocated");
        Assert.Equal(boxes.Length, publisher.Outbox.Processed); // no work queued for tags already seen
    }

    [Fact]
    public async Task A_new_containers_first_tag_costs_no_dictionary_of_its_own()
    {
        // Issue 12: in bench ingest every container is new; with a dictionary per container its first tag cost 730 B.
        var store = new InMemoryRuleStore();
        var engine = new RuleEngine(store, [], Options.Create(new RulesOptions()), TimeProvider.System);
        var broker = new NoBroker();
        await using var publisher = new MqttTagConfigPublisher(broker, store, engine, new AlertsOptions(), gatewayDefault: "frozen");
        ContainerKey[] boxes = [.. Enumerable.Range(0, 2000).Select(i => new ContainerKey("fleet1", $"C{i:D10}"))];
        foreach (ContainerKey box in boxes[..1000]) publisher.TagSeen(box, "tag7"); // warm-up: JIT, the queue's buffers
        await Alerts.EventuallyAsync(() => publisher.Outbox.Processed == 1000, "the warm-up's first sightings");

        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (ContainerKey box in boxes[1000..]) publisher.TagSeen(box, "tag7");
        double perContainer = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000.0;
        output.WriteLine($"a new container's first tag: {perContainer:0} B");

        // The container's entry and its one-tag array (and the queued work): about 200 B.
        Assert.True(perContainer < 400, $"{perContainer:0} B per new container");
        await Alerts.EventuallyAsync(() => publisher.Outbox.Processed == boxes.Length, "the first sightings");
        Assert.Equal(boxes.Length, broker.Published); // each still got its config
        publisher.TagSeen(boxes[^1], "tag8"); // a second tag of a container: known beside the first
        await Alerts.EventuallyAsync(() => broker.Published == boxes.Length + 1, "the second tag's config");
    }

    [Fact]
    public async Task A_fleet_of_tags_first_seen_is_looked_up_in_the_directory_not_the_store_per_tag()
    {
        var store = new LookupCountingStore(new InMemoryRuleStore());
        await store.AssignProfileAsync(ContainerKey.DefaultOf("fleet1"), "frozen");
        var engine = new RuleEngine(store, [], Options.Create(new RulesOptions()), TimeProvider.System);
        var directory = new ProfileDirectory(store, TimeSpan.FromMinutes(1));
        var broker = new NoBroker();
        await using var publisher = new MqttTagConfigPublisher(broker, store, engine, new AlertsOptions(), gatewayDefault: null, profiles: directory);
        ContainerKey[] boxes = [.. Enumerable.Range(0, 1000).Select(i => new ContainerKey("fleet1", $"C{i:D10}"))];
        foreach (ContainerKey box in boxes) publisher.TagSeen(box, "tag7");
        await Alerts.EventuallyAsync(() => publisher.Outbox.Processed == boxes.Length, "the first sightings");

        Assert.Equal(boxes.Length, broker.Published); // each got the fleet default's config
        Assert.Equal(0, store.Lookups); // no assignment or profile look-up per tag: one read of the directory
        Assert.Equal(1, directory.Reads);
    }

    private sealed class LookupCountingStore(IRuleStore inner) : DelegatingRuleStore(inner)
    {
        private int _lookups;

        public int Lookups => Volatile.Read(ref _lookups);

        public override Task<string?> AssignedProfileAsync(ContainerKey container, CancellationToken ct = default)
        {
            Interlocked.Increment(ref _lookups);
            return base.AssignedProfileAsync(container, ct);
        }

        public override Task<Profile?> GetProfileAsync(string name, CancellationToken ct = default)
        {
            Interlocked.Increment(ref _lookups);
            return base.GetProfileAsync(name, ct);
        }
    }
}
