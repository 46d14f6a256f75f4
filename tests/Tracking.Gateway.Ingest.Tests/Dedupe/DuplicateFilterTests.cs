using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Dedupe;

namespace Tracking.Gateway.Ingest.Tests.Dedupe;

/// <summary>The duplicate filter: which keys it remembers (per tag, per stream, per reading) and which it forgets.</summary>
public sealed class DuplicateFilterTests
{
    [Fact]
    public void Remembers_recent_keys_per_tag_and_forgets_old_ones()
    {
        var filter = new DuplicateFilter(maxTags: 100, perTag: 4);
        Assert.False(filter.IsDuplicate("f/c/t1", MessageKind.Event, 1, 10));
        Assert.True(filter.IsDuplicate("f/c/t1", MessageKind.Event, 1, 10));
        Assert.False(filter.IsDuplicate("f/c/t2", MessageKind.Event, 1, 10));
        Assert.False(filter.IsDuplicate("f/c/t1", MessageKind.Telemetry, 1, 10));
        Assert.False(filter.IsDuplicate("f/c/t1", MessageKind.Event, 2, 10));
        for (int seq = 11; seq < 16; seq++) Assert.False(filter.IsDuplicate("f/c/t1", MessageKind.Event, 1, seq));
        Assert.False(filter.IsDuplicate("f/c/t1", MessageKind.Event, 1, 10)); // pushed out of the 4-key window
        for (int i = 0; i < 500; i++) filter.IsDuplicate($"f/c/x{i}", MessageKind.Event, 1, 1);
        Assert.True(filter.TrackedTags <= 100);
    }

    [Fact]
    public void Dedupe_is_per_reading_and_per_stream()
    {
        var filter = new DuplicateFilter(maxTags: 100, perTag: 16);
        Assert.False(filter.IsDuplicate("f/c/t", MessageKind.Telemetry, 3, 100, 10));   // 100..109
        Assert.False(filter.IsDuplicate("f/c/t", MessageKind.Telemetry, 3, 110, 5));    // 110..114
        Assert.True(filter.IsDuplicate("f/c/t", MessageKind.Telemetry, 3, 105, 10));    // re-split: 105..114, all seen
        Assert.False(filter.IsDuplicate("f/c/t", MessageKind.Telemetry, 3, 112, 4));    // 115 is new
        Assert.True(filter.IsDuplicate("f/c/t", MessageKind.Telemetry, 3, 115, 1));
        Assert.False(filter.IsDuplicate("f/c/t", MessageKind.Event, 3, 100));           // events: own counter, own stream
        Assert.True(filter.IsDuplicate("f/c/t", MessageKind.Event, 3, 100));
        Assert.False(filter.IsDuplicate("f/c/t", MessageKind.Telemetry, 4, 100, 1));    // another boot
    }

    [Fact]
    public void Keys_at_the_end_of_the_32_bit_counters_are_kept_exactly()
    {
        var filter = new DuplicateFilter(maxTags: 100, perTag: 8);
        const long Max = uint.MaxValue;

        Assert.False(filter.IsDuplicate("f/c/t", MessageKind.Telemetry, Max, Max - 1, 4)); // the batch's last keys pass the end
        Assert.True(filter.IsDuplicate("f/c/t", MessageKind.Telemetry, Max, Max, 3));
        Assert.False(filter.IsDuplicate("f/c/t", MessageKind.Telemetry, Max, Max - 2, 2)); // one key before the batch: new
        Assert.False(filter.IsDuplicate("f/c/t", MessageKind.Telemetry, Max - 1, Max, 1));  // another boot
        Assert.False(filter.IsDuplicate("f/c/t", MessageKind.Telemetry, 0, 0, 1));          // not Max wrapped around
        Assert.Throws<ArgumentOutOfRangeException>(() => filter.IsDuplicate("f/c/t", MessageKind.Event, Max + 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => filter.IsDuplicate("f/c/t", MessageKind.Event, 1, -1));
    }

    [Fact]
    public void A_new_tags_window_costs_little_memory_per_message_while_it_grows()
    {
        // Issue 11: bench ingest's fleet is new to the gateway, so every tag's window grows (8, 16, ... perTag ranges) while
        // it is measured; the arrays it outgrows are garbage. 1,000 tags of 256 messages each, every one new.
        var filter = new DuplicateFilter(maxTags: 10_000, perTag: 256);
        string[] tags = [.. Enumerable.Range(0, 1_000).Select(i => $"f/CSQU{i:D6}1/t")];
        filter.IsDuplicate("f/warm/t", MessageKind.Telemetry, 1, 1); // JIT

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int seq = 0; seq < 256; seq++)
        {
            foreach (string tag in tags) Assert.False(filter.IsDuplicate(tag, MessageKind.Telemetry, 1, seq));
        }
        double perMessage = (GC.GetAllocatedBytesForCurrentThread() - before) / 256_000.0;

        // 12 B a range: the doubling arrays (8 + 16 + ... + 256 ranges) come to about 24 B a message; with 32 B ranges 63 B.
        Assert.True(perMessage < 32, $"{perMessage:0.0} B allocated per message");
    }
}
