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
}
