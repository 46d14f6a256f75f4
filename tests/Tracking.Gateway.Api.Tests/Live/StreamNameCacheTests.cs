using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// A tag's <see cref="StreamNameCache"/> names its table by generation, not by reference: a tag that went quiet before its
/// fleet started a new table must not keep the old table (up to Live:StreamNames names and streams) alive once the
/// window's events have let it go.
/// </summary>
public class StreamNameCacheTests
{
    private static readonly LiveReading Reading = new(1_764_547_200_000, 4.5, 50, 1013.5, 0.25);

    [Fact]
    public void A_quiet_tags_cache_does_not_keep_its_fleets_superseded_name_table_alive()
    {
        // Every reading is an event of its own (no batching), the window keeps 4, a table holds one stream (3 entries).
        using var hub = new StreamHub(Options.Create(new LiveOptions { StreamWindow = 4, ClientQueue = 4, StreamNames = 3, StreamBatch = TimeSpan.Zero }),
            TimeProvider.System);
        var quiet = new StreamNameCache();
        WeakReference first = PublishAndWatchTable(hub, quiet);
        long quietGeneration = quiet.Generation;

        // Other tags of the fleet: each needs a new table, and their events push the quiet tag's out of the window.
        for (int i = 0; i < 10; i++) hub.PublishReadings(new ContainerKey("acme", $"TGHU000000{i}"), $"tag{i}", [Reading], new StreamNameCache());
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.NotEqual(0, quietGeneration);
        Assert.Equal(quietGeneration, quiet.Generation); // the quiet tag's cache is as it was
        Assert.False(first.IsAlive, "the quiet tag's cache keeps its superseded name table alive");
    }

    /// <summary>Publishes one reading through <paramref name="cache"/> and watches the table it was named in (no reference kept here).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference PublishAndWatchTable(StreamHub hub, StreamNameCache cache)
    {
        hub.PublishReadings(new ContainerKey("acme", "CSQU3054383"), "tag1", [Reading], cache);
        using StreamSubscription replay = hub.Subscribe(FleetScope.All, hub.LastId - 1);
        StreamNameTable table = Assert.Single(replay.Replay).Names!;
        return new WeakReference(table);
    }
}
