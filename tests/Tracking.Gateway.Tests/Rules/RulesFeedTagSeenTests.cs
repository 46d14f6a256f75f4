using Microsoft.Extensions.Options;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Tests.Rules;

/// <summary>
/// The rules feed tells its tag listeners (the tag config publisher) of each tag once per process: the engine tells them
/// when an input first reaches the tag's stream (a stream new, or loaded at the start), so the feed needs no look-up of
/// its own per message (issue 12: that look-up was a sixth of the feed's CPU); a message without inputs (a status without
/// volts) is told by the feed. The readings all reach the engine.
/// </summary>
public sealed class RulesFeedTagSeenTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private sealed class CountingListener : ITagSeenListener
    {
        public Dictionary<(ContainerKey, string), int> Calls { get; } = [];

        /// <summary>How many of the next calls refuse the tag (a full queue).</summary>
        public int Refusals { get; set; }

        public bool TagSeen(ContainerKey container, string tag)
        {
            Calls[(container, tag)] = Calls.GetValueOrDefault((container, tag)) + 1;
            if (Refusals == 0) return true;
            Refusals--;
            return false;
        }
    }

    private static TagMessage Message(string fleet, string container, string tag, int i) =>
        Decode(fleet, container, tag, "telemetry", FormattableString.Invariant(
            $"{{\"v\":1,\"boot\":1,\"seq\":{i},\"t0\":{T0.AddMinutes(5 * i).ToUnixTimeMilliseconds()},\"bat\":3.9,\"r\":[[0,5,50,1013,0.1]]}}"),
            T0.AddMinutes(5 * i));

    private static TagMessage Decode(string fleet, string container, string tag, string kind, string json, DateTimeOffset arrival)
    {
        long t = arrival.ToUnixTimeMilliseconds();
        string topicText = $"tracking/v1/{fleet}/{container}/{tag}/{kind}";
        Assert.True(TrackingTopic.TryParse(topicText, strictContainerIds: false, out TrackingTopic topic, out Rejection rejection), rejection.Detail);
        var decoder = new MessageDecoder();
        Assert.True(decoder.TryDecode(topic, System.Text.Encoding.UTF8.GetBytes(json), t, out rejection), rejection.Detail);
        return TagMessage.From(fleet, container, tag, decoder.Message, t);
    }

    [Fact]
    public async Task Each_tag_is_told_once_per_process_and_every_reading_is_evaluated()
    {
        var listener = new CountingListener();
        var store = new InMemoryRuleStore();
        var options = Options.Create(new RulesOptions { StateSaveInterval = TimeSpan.FromSeconds(1) });
        var engine = new RuleEngine(store, [], options, TimeProvider.System);
        var feed = new RulesFeed(engine, options, [listener]);
        // As the spool reader makes them: one set of strings per topic, shared by that topic's messages.
        (string Fleet, string Container, string Tag)[] topics =
            [("acme", "CSQU3054383", "tag-1"), ("acme", "CSQU3054383", "tag-2"), ("acme", "MSCU1234565", "tag-1"), ("globex", "CSQU3054383", "tag-1")];

        for (int round = 0; round < 3; round++)
        {
            var batch = new List<TagMessage>();
            for (int i = 0; i < 20; i++)
            {
                (string fleet, string container, string tag) = topics[i % topics.Length];
                batch.Add(Message(fleet, container, tag, (round * 20) + i));
            }
            await feed.ConsumeAsync(batch, default);
        }
        // Strings with the same text but other objects (the reader's topic cache dropped them): the same stream, not told again.
        await feed.ConsumeAsync([Message(new string("acme".AsSpan()), new string("MSCU1234565".AsSpan()), new string("tag-1".AsSpan()), 60)], default);

        Assert.Equal(topics.Length, listener.Calls.Count);
        Assert.All(topics, t => Assert.Equal(1, listener.Calls.GetValueOrDefault((new ContainerKey(t.Fleet, t.Container), t.Tag))));

        await feed.SaveAsync(default);
        StreamSummary summary = Assert.Single(await engine.SummaryAsync(new ContainerKey("acme", "MSCU1234565")));
        Assert.Equal(T0.AddMinutes(5 * 60), summary.LastReading);

        // A restart: the streams loaded from the store are told again at their first message, once.
        var restarted = new RuleEngine(store, [], options, TimeProvider.System);
        await restarted.LoadAsync();
        var afterRestart = new CountingListener();
        var feedAfter = new RulesFeed(restarted, options, [afterRestart]);
        for (int i = 0; i < 3; i++) await feedAfter.ConsumeAsync([.. topics.Select(t => Message(t.Fleet, t.Container, t.Tag, 61 + i))], default);
        Assert.Equal(topics.Length, afterRestart.Calls.Count);
        Assert.All(afterRestart.Calls.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task A_tag_first_seen_in_a_message_without_inputs_is_told_too()
    {
        var listener = new CountingListener();
        var options = Options.Create(new RulesOptions { StateSaveInterval = TimeSpan.FromSeconds(1) });
        var feed = new RulesFeed(new RuleEngine(new InMemoryRuleStore(), [], options, TimeProvider.System), options, [listener]);
        // The will (a status without volts) gives the engine nothing to evaluate.
        await feed.ConsumeAsync([Decode("acme", "CSQU3054383", "tag-1", "status", """{"v":1,"online":false}""", T0)], default);
        Assert.Equal(1, listener.Calls.GetValueOrDefault((new ContainerKey("acme", "CSQU3054383"), "tag-1")));
    }

    [Fact]
    public async Task A_tag_refused_in_a_message_without_inputs_is_told_again_at_its_next_message_until_taken()
    {
        var listener = new CountingListener { Refusals = 1 };
        var options = Options.Create(new RulesOptions { StateSaveInterval = TimeSpan.FromSeconds(1) });
        var feed = new RulesFeed(new RuleEngine(new InMemoryRuleStore(), [], options, TimeProvider.System), options, [listener]);
        // One set of strings, as the spool reader makes them for the topic.
        TagMessage will = Decode("acme", "CSQU3054383", "tag-1", "status", """{"v":1,"online":false}""", T0);
        for (int i = 0; i < 3; i++) await feed.ConsumeAsync([will], default);
        Assert.Equal(2, listener.Calls.GetValueOrDefault((new ContainerKey("acme", "CSQU3054383"), "tag-1")));
    }
}
