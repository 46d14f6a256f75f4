using System.Text;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Gateway.Rules;
using Tracking.Testing;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// The hub offers an event only to the subscribers of its fleet (kept per fleet) and frames each readings batch once,
/// reusing the batch's storage for the next: whatever the mix of fleets, scopes and batches, every client gets exactly
/// the events of its fleets, in order, and every frame holds exactly its batch.
/// </summary>
public class StreamFanoutTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static StreamHub Hub(int window = 100_000, int queue = 100_000, int batchMs = 0) =>
        new(Options.Create(new LiveOptions { StreamWindow = window, ClientQueue = queue, StreamBatch = TimeSpan.FromMilliseconds(batchMs) }),
            new ManualTimeProvider());

    private static List<StreamEvent> Drain(StreamSubscription s)
    {
        List<StreamEvent> got = [];
        while (s.Events.TryRead(out StreamEvent? e)) got.Add(e);
        return got;
    }

    [Fact]
    public void Each_scope_gets_the_events_of_its_fleets_once_in_order_and_a_closed_subscription_none()
    {
        using StreamHub hub = Hub();
        string[] fleets = ["north", "south", "east"];
        using StreamSubscription all = hub.Subscribe(FleetScope.All, null);
        using StreamSubscription two = hub.Subscribe(new FleetScope(["north", "south"]), null);
        using StreamSubscription south = hub.Subscribe(new FleetScope(["south"]), null);
        using StreamSubscription west = hub.Subscribe(new FleetScope(["west"]), null);
        StreamSubscription closed = hub.Subscribe(new FleetScope(["north"]), null);
        closed.Dispose();
        Assert.Equal(4, hub.Subscribers);

        List<(long Id, string Fleet)> published = [];
        for (int i = 0; i < 300; i++)
        {
            string fleet = fleets[i % 3];
            published.Add((hub.Publish("state", fleet, "{}"u8), fleet));
        }

        Assert.Equal(published, Drain(all).Select(e => (e.Id, e.Fleet)));
        Assert.Equal(published.Where(p => p.Fleet != "east"), Drain(two).Select(e => (e.Id, e.Fleet)));
        Assert.Equal(published.Where(p => p.Fleet == "south"), Drain(south).Select(e => (e.Id, e.Fleet)));
        Assert.Empty(Drain(west));
        Assert.Empty(Drain(closed));
    }

    [Fact]
    public void A_slow_multi_fleet_subscriber_is_dropped_from_every_fleet_and_the_others_keep_theirs()
    {
        using StreamHub hub = Hub(queue: 10);
        using StreamSubscription slow = hub.Subscribe(new FleetScope(["north", "south"]), null);
        using StreamSubscription reader = hub.Subscribe(new FleetScope(["north", "south"]), null);
        for (int i = 0; i < 11; i++)
        {
            hub.Publish("state", i % 2 == 0 ? "north" : "south", "{}"u8);
            if (i < 10) Drain(reader);
        }
        Assert.NotNull(slow.DisconnectReason);
        Assert.True(slow.Ended);
        Assert.Equal(10, slow.Events.Count);
        Assert.Equal(1, hub.Subscribers);
        Assert.Equal(1, hub.Disconnected);

        hub.Publish("state", "north", "{}"u8);
        hub.Publish("state", "south", "{}"u8);
        Assert.Equal(10, slow.Events.Count); // neither fleet offers it anything more
        Assert.Equal(3, Drain(reader).Count);
    }

    [Fact]
    public void Reused_batches_frame_exactly_their_readings_for_any_mix_of_fleets_containers_and_sizes()
    {
        using StreamHub hub = Hub(batchMs: 1000);
        using StreamSubscription client = hub.Subscribe(FleetScope.All, null);
        var decoder = new StreamReadings(); // one client's names across all its events
        var random = new Random(1305);
        for (int round = 0; round < 300; round++)
        {
            // A few fleets gather at once, then flush: their batches are taken from and returned to the spares.
            Dictionary<string, List<StreamReading>> expected = [];
            for (int n = random.Next(1, 40); n > 0; n--)
            {
                string fleet = "f" + random.Next(4), container = "C" + random.Next(random.Next(1, 30)), tag = "t" + random.Next(3);
                double Pick() => random.Next(5) == 0 ? double.NaN : Math.Round((random.NextDouble() * 200) - 100, random.Next(6));
                LiveReading[] readings = [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
                    new LiveReading(T0 + random.Next(1_000_000), Pick(), Pick(), Pick(), Pick()))];
                hub.PublishReadings(new ContainerKey(fleet, container), tag, readings);
                if (!expected.TryGetValue(fleet, out List<StreamReading>? list)) expected[fleet] = list = [];
                list.AddRange(readings.Select(r => new StreamReading(fleet, container, tag, r.TimeMs, N(r.TemperatureC), N(r.HumidityPct),
                    N(r.PressureHpa), N(r.PeakG))));
            }
            hub.Flush();

            Dictionary<string, List<StreamReading>> got = [];
            foreach (StreamEvent e in Drain(client))
            {
                string frame = Encoding.UTF8.GetString(e.Frame.Span);
                string head = $"id: {e.Id}\nevent: readings\ndata: ";
                Assert.StartsWith(head, frame);
                Assert.EndsWith("}\n\n", frame);
                string data = frame[head.Length..^2];
                Assert.DoesNotContain('\n', data);
                List<StreamReading> decoded = [.. decoder.Decode(data)];
                Assert.Equal(e.Weight, decoded.Count);
                if (!got.TryGetValue(e.Fleet, out List<StreamReading>? list)) got[e.Fleet] = list = [];
                list.AddRange(decoded);
            }
            Assert.Equal(expected.Keys.Order(), got.Keys.Order());
            foreach ((string fleet, List<StreamReading> readings) in expected) Assert.Equal(readings, got[fleet]);
        }

        static double? N(double v) => double.IsNaN(v) ? null : v;
    }

    [Fact]
    public void Gathering_and_framing_readings_allocates_little_more_than_the_frames()
    {
        // Bytes, not time: the frame (about 45 bytes a reading here) is the event's one array; the batch it is built
        // from and the JSON writer are reused. The list of tuples per batch, its serialization and two copies before
        // were about 3 times the frame.
        using StreamHub hub = Hub(batchMs: 1000);
        using StreamSubscription client = hub.Subscribe(FleetScope.All, null);
        LiveReading[] one = [new(T0, 4.25, 51.5, 1013.25, 0.5)];
        ContainerKey[] keys = [.. Enumerable.Range(0, 50).Select(i => new ContainerKey("acme", $"CSQU{i:D7}"))];
        void Run(int batches)
        {
            for (int b = 0; b < batches; b++)
            {
                for (int i = 0; i < 200; i++) hub.PublishReadings(keys[i % keys.Length], "tag1", one);
                hub.Flush();
                while (client.Events.TryRead(out _)) { }
            }
        }
        Run(20); // warm-up: the batch's arrays and tables grow once
        hub.PublishReadings(keys[0], "tag1", one);
        hub.Flush();
        Assert.True(client.Events.TryRead(out StreamEvent? single));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(100);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        double perReading = allocated / 20_000.0;
        Assert.True(perReading < 80, $"{perReading:F1} B allocated per reading (frame of one reading: {single!.Frame.Length} B)");
    }
}
