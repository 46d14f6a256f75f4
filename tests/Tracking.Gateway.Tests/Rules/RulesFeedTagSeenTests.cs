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
/// The rules feed tells its tag listeners (the tag config publisher) of each tag, skipping the tags of messages it has
/// told them about already when the message carries the very same topic strings (issue 12: the listener's look-ups per
/// message were a third of the feed's CPU); every tag is still told at least once, and the readings all reach the engine.
/// </summary>
public sealed class RulesFeedTagSeenTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private sealed class CountingListener : ITagSeenListener
    {
        public Dictionary<(ContainerKey, string), int> Calls { get; } = [];

        public void TagSeen(ContainerKey container, string tag) => Calls[(container, tag)] = Calls.GetValueOrDefault((container, tag)) + 1;
    }

    private static TagMessage Message(string fleet, string container, string tag, int i)
    {
        long t = T0.AddMinutes(5 * i).ToUnixTimeMilliseconds();
        byte[] payload = System.Text.Encoding.UTF8.GetBytes(FormattableString.Invariant(
            $"{{\"v\":1,\"boot\":1,\"seq\":{i},\"t0\":{t},\"bat\":3.9,\"r\":[[0,5,50,1013,0.1]]}}"));
        string topicText = $"tracking/v1/{fleet}/{container}/{tag}/telemetry";
        Assert.True(TrackingTopic.TryParse(topicText, strictContainerIds: false, out TrackingTopic topic, out Rejection rejection), rejection.Detail);
        var decoder = new MessageDecoder();
        Assert.True(decoder.TryDecode(topic, payload, t, out rejection), rejection.Detail);
        return TagMessage.From(fleet, container, tag, decoder.Message, t);
    }

    [Fact]
    public async Task Each_tag_is_told_once_for_messages_with_the_same_topic_strings_and_every_reading_is_evaluated()
    {
        var listener = new CountingListener();
        var options = Options.Create(new RulesOptions { StateSaveInterval = TimeSpan.FromSeconds(1) });
        var engine = new RuleEngine(new InMemoryRuleStore(), [], options, TimeProvider.System);
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

        // Every tag told; a slot shared by two topics (the cache is direct-mapped) would only tell them again.
        Assert.Equal(topics.Length, listener.Calls.Count);
        Assert.All(topics, t => Assert.InRange(listener.Calls.GetValueOrDefault((new ContainerKey(t.Fleet, t.Container), t.Tag)), 1, 15));

        // One topic alone cannot meet another in its slot: its 30 messages tell the listener once.
        var alone = new CountingListener();
        var feedAlone = new RulesFeed(engine, options, [alone]);
        (string f, string c, string g) = (new string("initech".AsSpan()), new string("CSQU3054383".AsSpan()), new string("tag-9".AsSpan()));
        for (int i = 0; i < 3; i++) await feedAlone.ConsumeAsync([.. Enumerable.Range(i * 10, 10).Select(n => Message(f, c, g, n))], default);
        Assert.Equal(1, Assert.Single(alone.Calls).Value);

        // Strings with the same text but other objects (the reader's topic cache dropped them): told again, which the
        // listener treats as a repeat; never missed.
        await feedAlone.ConsumeAsync([Message(new string("initech".AsSpan()), new string("CSQU3054383".AsSpan()), new string("tag-9".AsSpan()), 30)], default);
        Assert.Equal(2, Assert.Single(alone.Calls).Value);

        await feed.SaveAsync(default);
        StreamSummary summary = Assert.Single(await engine.SummaryAsync(new ContainerKey("acme", "MSCU1234565")));
        Assert.Equal(T0.AddMinutes(5 * 58), summary.LastReading); // its last message of the three rounds (i % 4 == 2)
    }
}
