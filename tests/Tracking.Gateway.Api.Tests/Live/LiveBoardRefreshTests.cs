using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// The refresher reads again the warnings and profile of each container with news since it last asked, once however many
/// messages came (the board keeps them as a flag on the entry the message found, not as a set of keys).
/// </summary>
public class LiveBoardRefreshTests
{
    private static readonly ContainerKey A = new("acme", "TGHU1234563"), B = new("acme", "CSQU3054383"), C = new("north", "TGHU1234563");

    [Fact]
    public void Each_container_with_news_is_taken_once_in_the_order_it_had_news_and_again_after_more_news()
    {
        using var hub = new StreamHub(Options.Create(new LiveOptions()), TimeProvider.System);
        var board = new LiveBoard(hub);
        foreach (ContainerKey key in new[] { A, B, A, C, A, B }) board.ApplyReadings(key, "tag1", 1_000, [new LiveReading(1_000, 5, 50, 1013, 0.1)]);

        List<ContainerKey> taken = [];
        board.TakeRefresh(taken);
        Assert.Equal([A, B, C], taken);

        taken.Clear();
        board.TakeRefresh(taken);
        Assert.Empty(taken);

        board.ApplyReadings(B, "tag1", 2_000, [new LiveReading(2_000, 5, 50, 1013, 0.1)]);
        board.ApplyReadings(B, "tag2", 2_000, [new LiveReading(2_000, 5, 50, 1013, 0.1)]);
        board.TakeRefresh(taken);
        Assert.Equal([B], taken);
    }
}
