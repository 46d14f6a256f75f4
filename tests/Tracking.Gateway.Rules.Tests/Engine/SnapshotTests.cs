using System.Text;
using System.Text.Json;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>The per-container snapshot: versioned, and a snapshot the engine cannot read does not stop it.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public async Task The_snapshot_is_versioned_json_with_the_window()
    {
        var rig = new Rig(OneBand(Upper(8)));
        await rig.Feed(Series(5, 9, double.NaN));
        using JsonDocument doc = JsonDocument.Parse((await rig.Store.LoadStateAsync(Box))!);
        Assert.Equal(1, doc.RootElement.GetProperty("V").GetInt32());
        JsonElement stream = doc.RootElement.GetProperty("Streams").GetProperty(Tag);
        Assert.Equal(3, stream.GetProperty("Samples").GetArrayLength());
    }

    [Theory]
    [InlineData("{\"V\":99}")]
    [InlineData("not json")]
    public async Task A_snapshot_of_another_version_or_unreadable_starts_the_container_afresh(string snapshot)
    {
        var rig = new Rig(OneBand(Upper(8)));
        await rig.Store.SaveStateAsync(Box, Encoding.UTF8.GetBytes(snapshot));
        await rig.Feed(Series(9));
        Assert.Equal(AlertState.Open, Assert.Single(await rig.Alerts()).State);
        Assert.Equal(1, (await rig.Store.LoadStateAsync(Box)) is { } saved ? JsonDocument.Parse(saved).RootElement.GetProperty("V").GetInt32() : 0);
    }
}
