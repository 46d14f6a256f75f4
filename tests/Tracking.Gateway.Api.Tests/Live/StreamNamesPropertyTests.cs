using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api.Auth;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Gateway.Api.Tests.Support;
using Tracking.Gateway.Rules;
using Tracking.Testing;

namespace Tracking.Gateway.Api.Tests.Live;

/// <summary>
/// Readings of any mix of fleets, containers, tags and batches go through the hub's frames (a reading's container and tag
/// by its stream's index, names and streams introduced once per table, new tables at any
/// <see cref="LiveOptions.StreamNames"/>, also within a batch) and the test decoder back to exactly the readings
/// published, with or without the callers' caches of stream indexes (<see cref="StreamNameCache"/>, resolved again in
/// every new table); and every client that subscribes on the way, fresh
/// or resuming after any event, of every fleet or one, decodes each event it is sent to exactly what a client there from
/// the start did.
/// </summary>
public sealed class StreamNamesPropertyTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    // Action: 0 none, 1 flush, 2 a fresh subscriber, 3 a subscriber resuming after one of the events sent so far.
    private static readonly Gen<(int Fleet, int Container, int Tag, int Readings, int Action, int Pick)> Step =
        from fleet in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 2)))
        from container in Gen.Choose(0, 9)
        from tag in Gen.Choose(0, 3)
        from readings in Gen.Choose(1, 3)
        from action in Gen.Frequency((8, Gen.Constant(0)), (4, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3)))
        from pick in Gen.Choose(0, 1_000)
        select (fleet, container, tag, readings, action, pick);

    private static readonly Gen<(int Cap, bool Watched, bool Cached, List<(int Fleet, int Container, int Tag, int Readings, int Action, int Pick)> Steps)> Runs =
        from cap in Gen.Frequency((4, Gen.Choose(3, 18)), (1, Gen.Constant(100_000)))
        from watched in Gen.Elements(true, false)
        from cached in Gen.Elements(true, false)
        from steps in Gen.ListOf(Step).Where(l => l.Count is >= 1 and <= 80).Select(l => l.ToList())
        select (cap, watched, cached, steps);

    [Fact]
    public void Every_client_decodes_every_event_to_the_readings_published_whenever_it_subscribed()
    {
        Prop.ForAll(Runs.ToArbitrary(), run =>
        {
            string[] fleets = ["acme", "north", "south"];
            using var hub = new StreamHub(Options.Create(new LiveOptions { StreamNames = run.Cap, StreamBatch = TimeSpan.FromSeconds(1) }),
                new ManualTimeProvider());
            long start = hub.LastId;
            // Watched from the start: every batch framed when it closes. Not: batches kept unframed until a client
            // subscribes (DetachedReadings), framed when a resuming client is sent them.
            HubClient? first = run.Watched ? new HubClient(hub.Subscribe(FleetScope.All, null)) : null;
            var firstGot = new List<(StreamEvent Event, IReadOnlyList<StreamReading> Readings)>();
            var published = fleets.ToDictionary(f => f, _ => new List<StreamReading>());
            List<(HubClient Client, StreamSubscription Subscription, long After)> late = [];
            int n = 0;
            // Cached: each fleet, container and tag publishes with its own cache of its stream index, as the live board does.
            var caches = new Dictionary<(string, string, string), StreamNameCache>();

            foreach (var step in run.Steps)
            {
                string fleet = fleets[step.Fleet], container = $"C{step.Container}", tag = $"t{step.Tag}";
                LiveReading[] readings = [.. Enumerable.Range(0, step.Readings).Select(_ => new LiveReading(T0 + n, n++, 50, 1013.5, 0.25))];
                if (run.Cached)
                {
                    if (!caches.TryGetValue((fleet, container, tag), out StreamNameCache? cache)) caches.Add((fleet, container, tag), cache = new());
                    hub.PublishReadings(new ContainerKey(fleet, container), tag, readings, cache);
                }
                else
                {
                    hub.PublishReadings(new ContainerKey(fleet, container), tag, readings);
                }
                published[fleet].AddRange(readings.Select(r => new StreamReading(fleet, container, tag, r.TimeMs, r.TemperatureC, 50, 1013.5, 0.25)));
                if (step.Action == 1) hub.Flush();
                if (first is not null) firstGot.AddRange(first.Drain());
                if (step.Action >= 2)
                {
                    FleetScope scope = step.Pick % 2 == 0 ? FleetScope.All : new FleetScope([fleets[step.Pick % 3]]);
                    // Ids are consecutive from the run's base: resume after any event sent so far (the base: before all).
                    long? after = step.Action == 3 ? start + (step.Pick % (hub.LastId - start + 1)) : null;
                    StreamSubscription s = hub.Subscribe(scope, after);
                    Assert.Null(s.Reset);
                    // Only its fleets' names (a scoped client learns no other fleet's).
                    Assert.All(s.Names, names => Assert.True(scope.Allows(names.Fleet)));
                    late.Add((new HubClient(s), s, after ?? hub.LastId));
                }
            }
            hub.Flush();
            if (first is not null) firstGot.AddRange(first.Drain());

            // A client resuming from before the first event: every reading published, per fleet in order.
            using StreamSubscription witness = hub.Subscribe(FleetScope.All, start);
            var reader = new HubClient(witness);
            var sent = new Dictionary<long, (string Fleet, IReadOnlyList<StreamReading> Readings)>();
            foreach (StreamEvent e in witness.Replay) sent.Add(e.Id, (e.Fleet, reader.Decode(e)));
            long[] ids = [.. sent.Keys];
            Assert.Equal(Enumerable.Range(1, ids.Length).Select(i => start + i), ids);
            foreach (string fleet in fleets)
            {
                Assert.Equal(published[fleet], ids.Where(id => sent[id].Fleet == fleet).SelectMany(id => sent[id].Readings));
            }
            // Every other client: the events after where it started, of its fleets, each decoded to the same readings.
            if (first is not null) Assert.Equal(ids.Select(id => sent[id].Readings), firstGot.Select(g => g.Readings));
            foreach ((HubClient client, StreamSubscription s, long after) in late)
            {
                List<long> itsIds = [];
                foreach (StreamEvent e in s.Replay)
                {
                    Assert.Equal(sent[e.Id].Readings, client.Decode(e));
                    itsIds.Add(e.Id);
                }
                foreach ((StreamEvent e, IReadOnlyList<StreamReading> readings) in client.Drain())
                {
                    Assert.Equal(sent[e.Id].Readings, readings);
                    itsIds.Add(e.Id);
                }
                Assert.Equal(ids.Where(id => id > after && s.Scope.Allows(sent[id].Fleet)), itsIds);
                s.Dispose();
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
