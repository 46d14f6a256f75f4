using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// Issue 12: the engine tells the feed's tag listener (the tag config publisher) of each stream the first time an input
/// reaches it in this process, whatever the input (a reading, a shock, a battery value), so the feed needs no per-message
/// look-up of its own. Once per stream and process: a stream loaded from the store at a restart is told again.
/// </summary>
public sealed class TagSeenTests
{
    private sealed class CountingListener : ITagSeenListener
    {
        public List<(ContainerKey Container, string Tag)> Calls { get; } = [];

        /// <summary>How many of the next calls refuse the tag (a full queue).</summary>
        public int Refusals { get; set; }

        public bool TagSeen(ContainerKey container, string tag)
        {
            Calls.Add((container, tag));
            if (Refusals == 0) return true;
            Refusals--;
            return false;
        }
    }

    private static readonly ContainerKey Other = new("acme", "MSCU1234565");

    [Fact]
    public async Task Each_stream_is_told_once_per_process()
    {
        var rig = new Rig();
        var listener = new CountingListener();
        await rig.Engine.ProcessAsync([R(0, 5), R(1, 5), RuleInput.Shock(Box, "tag8", 1, 1, Ms(3), 6), RuleInput.Battery(Other, Tag, Ms(4), 3.9)],
            saveState: true, listener);
        Assert.Equal([(Box, Tag), (Box, "tag8"), (Other, Tag)], listener.Calls);

        // Later batches, a copy of the key's strings (other objects, the same text): nothing new.
        var copy = new ContainerKey(new string(Box.Fleet.AsSpan()), new string(Box.Container.AsSpan()));
        await rig.Engine.ProcessAsync([R(2, 5), RuleInput.Reading(copy, new string(Tag.AsSpan()), 1, 3, Ms(15), 5)], saveState: true, listener);
        Assert.Equal(3, listener.Calls.Count);

        // A batch without a listener tells no one and marks nothing: a stream first reached then is told at its next input.
        await rig.Engine.ProcessAsync([RuleInput.Reading(Box, "tag9", 1, 0, Ms(20), 5)], saveState: true, tagSeen: null);
        await rig.Engine.ProcessAsync([RuleInput.Reading(Box, "tag9", 1, 1, Ms(25), 5)], saveState: true, listener);
        Assert.Equal((Box, "tag9"), listener.Calls[^1]);
        Assert.Equal(4, listener.Calls.Count);

        // A restart: the streams loaded from the store are told again at their first input, once.
        Rig restarted = rig.Restart();
        await restarted.Engine.LoadAsync();
        var again = new CountingListener();
        await restarted.Engine.ProcessAsync([R(4, 5), R(5, 5), RuleInput.Reading(Box, "tag9", 1, 2, Ms(30), 5)], saveState: true, again);
        Assert.Equal([(Box, Tag), (Box, "tag9")], again.Calls);
    }

    [Fact]
    public async Task A_refused_stream_is_told_again_at_its_next_input_until_taken()
    {
        var rig = new Rig();
        var listener = new CountingListener { Refusals = 2 };
        await rig.Engine.ProcessAsync([R(0, 5)], saveState: true, listener);
        await rig.Engine.ProcessAsync([R(1, 5)], saveState: true, listener);
        await rig.Engine.ProcessAsync([R(2, 5)], saveState: true, listener);
        await rig.Engine.ProcessAsync([R(3, 5)], saveState: true, listener);
        Assert.Equal([(Box, Tag), (Box, Tag), (Box, Tag)], listener.Calls);
    }
}
