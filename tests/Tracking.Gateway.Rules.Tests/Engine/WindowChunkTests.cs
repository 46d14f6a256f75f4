using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using Tracking.Testing;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// Windows saved in chunks (issue 12, snapshot format 6): a save writes the chunks changed since the previous save, and
/// what a restart reads back is the window as it was, however many saves, trims and late readings came between.
/// </summary>
public sealed class WindowChunkTests
{
    private const int Size = SnapshotCodec.ChunkSize;

    private static readonly JsonSerializerOptions StateJson = new()
    {
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new SampleJsonConverter() },
    };

    private static readonly Profile Busy = ProfilePresets.Pharma2To8 with { ShockG = 2, BatteryV = 3.3 };

    private static RulesOptions Small => new() { WindowReadings = 100 };

    private static RuleInput Reading(int i) => R((uint)i, Math.Round(5 + (4 * Math.Sin(i / 9.0)), 2), 50 + (i % 7));

    /// <summary>The readings <see cref="Format5Snapshot"/> was made from: trims of a window of 100, late readings, two tags, a shock and a battery value.</summary>
    private static async Task FirstPartAsync(Rig rig)
    {
        for (int b = 0; b < 6; b++) await rig.Feed([.. Enumerable.Range(b * 30, 30).Where(i => i % 17 != 3).Select(i => R((uint)i, Math.Round(5 + (4 * Math.Sin(i / 9.0)), 2), 50 + (i % 7)))]);
        await rig.Feed([.. Enumerable.Range(0, 180).Where(i => i % 17 == 3 && i > 100).Select(i => R((uint)i, 7.5, 55))]);
        await rig.Feed(RuleInput.Reading(Box, "tag8", 1, 0, Ms(3), 4.5, 60), RuleInput.Shock(Box, Tag, 1, 7, Ms(20), 4.5), RuleInput.Battery(Box, Tag, Ms(30), 3.1));
    }

    private static async Task SecondPartAsync(Rig rig)
    {
        for (int b = 0; b < 4; b++) await rig.Feed([.. Enumerable.Range(180 + (b * 25), 25).Where(i => i % 11 != 5).Select(Reading)]);
        await rig.Feed([.. Enumerable.Range(180, 100).Where(i => i % 11 == 5 && i > 200).Select(i => R((uint)i, 9, 55))]);
    }

    private static async Task<ContainerState> SavedAsync(IRuleStore store)
    {
        Assert.True(SnapshotCodec.TryRead((await store.LoadStateAsync(Box))!, out ContainerState state));
        return state;
    }

    private static async Task<string> OutcomeAsync(Rig rig) =>
        string.Join('\n', (await rig.Alerts()).Select(a => $"{a.Key} {a.State} {a.Since:O} {a.Severity}"))
        + '\n' + string.Join('\n', (await rig.Engine.SummaryAsync(Box)).Select(s =>
            $"{s.Tag} {s.FirstReading} {s.LastReading} {s.MktTripC} {s.MktWindowC} {s.Unknown} {s.ShockCount} {s.TooLate} " + string.Join(';', s.Excursions)));

    [Fact]
    public async Task A_format_5_snapshot_of_the_code_before_loads_and_its_first_save_writes_every_chunk()
    {
        var straight = new Rig(Busy, options: Small);
        await FirstPartAsync(straight);
        ContainerState current = await SavedAsync(straight.Store);

        // The same readings saved by the code before format 6: the same state, but for the window's numbering (none then).
        byte[] format5 = Convert.FromBase64String(Format5Snapshot.Base64);
        Assert.Equal(5, format5[1]);
        Assert.True(SnapshotCodec.TryRead(format5, out ContainerState old));
        Assert.True(current.Streams[Tag].First > 0, "the window was trimmed");
        foreach (StreamState st in old.Streams.Values)
        {
            Assert.Equal(0, st.First);
            st.First = current.Streams[st.Tag].First;
        }
        Assert.Equal(JsonSerializer.Serialize(current, StateJson), JsonSerializer.Serialize(old, StateJson));

        // A gateway upgraded with that snapshot in its store (and no chunk: the code before had none).
        var upgraded = new Rig(Busy, options: Small);
        await FirstPartAsync(upgraded);
        await upgraded.Store.SaveStatesAsync([new ContainerSnapshot(Box, format5) { Ranges = new[] { new ChunkRange(Tag, 0, -1), new ChunkRange("tag8", 0, -1) } }]);
        Assert.Empty((await upgraded.Store.LoadStateAsync(Box))!.Chunks);
        Rig restarted = upgraded.Restart();

        await SecondPartAsync(straight);
        await SecondPartAsync(restarted);
        Assert.Equal(await OutcomeAsync(straight), await OutcomeAsync(restarted));
        // The same state but for the windows' numbering: the upgraded one counts from format 5's window start.
        ContainerState after = await SavedAsync(restarted.Store);
        ContainerState expected = await SavedAsync(straight.Store);
        Assert.Equal(expected.Streams[Tag].First - current.Streams[Tag].First, after.Streams[Tag].First);
        foreach (StreamState st in expected.Streams.Values) st.First = after.Streams[st.Tag].First;
        Assert.Equal(JsonSerializer.Serialize(expected, StateJson), JsonSerializer.Serialize(after, StateJson));
        // Every full chunk of the window was written, none is left outside it.
        StreamState window = after.Streams[Tag];
        Assert.Equal(
            Enumerable.Range(0, (int)(SnapshotCodec.TailStart(window) / Size)).Where(n => n >= window.First / Size).Select(n => (long)n),
            (await restarted.Store.LoadStateAsync(Box))!.Chunks.Where(c => c.Tag == Tag).Select(c => c.Number).Order());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Many_saves_with_trims_and_late_readings_give_the_windows_and_outcome_of_a_run_without_restarts(int seed)
    {
        // Two tags, windows of 100 readings and 24 h (readings 5 min apart: both limits trim), batches of 1 to 40 readings
        // with one in eight held back for 1 to 30 batches (late: inserted inside the window, or before it: too late).
        var rng = new Random(seed);
        var pending = new List<(int Due, RuleInput Input)>();
        var batches = new List<RuleInput[]>();
        int next = 0;
        for (int b = 0; next < 700; b++)
        {
            var batch = new List<RuleInput>();
            for (int n = rng.Next(1, 40); n > 0; n--, next++)
            {
                RuleInput reading = rng.Next(2) == 0 ? Reading(next) : RuleInput.Reading(Box, "tag8", 1, (uint)next, Ms((next * 5.0) + 1), 4 + (next % 9), 40);
                if (rng.Next(8) == 0) pending.Add((b + rng.Next(1, 30), reading));
                else batch.Add(reading);
            }
            batch.AddRange(pending.Where(p => p.Due <= b).Select(p => p.Input));
            pending.RemoveAll(p => p.Due <= b);
            batches.Add([.. batch]);
        }
        batches.Add([.. pending.Select(p => p.Input)]);

        var straight = new Rig(Busy, options: Small);
        var restarting = new Rig(Busy, options: Small);
        foreach (RuleInput[] batch in batches)
        {
            await straight.Feed(batch);
            restarting = restarting.Restart();
            await restarting.Feed(batch);
            Assert.Equal(JsonSerializer.Serialize(await SavedAsync(straight.Store), StateJson), JsonSerializer.Serialize(await SavedAsync(restarting.Store), StateJson));
        }
        Assert.Equal(await OutcomeAsync(straight), await OutcomeAsync(restarting));
        Assert.Equal(await OutcomeAsync(straight), await OutcomeAsync(restarting.Restart()));
        Assert.True((await SavedAsync(straight.Store)).Streams[Tag].First > 3 * Size, "trimmed over several chunks");
    }

    // ---- what a save gives the store

    /// <summary>An engine on a recording store with windows of 1,024 readings, readings a minute apart (the reading limit trims).</summary>
    private sealed class FullWindow
    {
        public FullWindow(InMemoryRuleStore? inner = null)
        {
            Inner = inner ?? new InMemoryRuleStore();
            Store = new RecordingStore(Inner);
            Engine = new RuleEngine(Store, [], Options.Create(new RulesOptions()), new ManualTimeProvider(T0));
        }

        public InMemoryRuleStore Inner { get; }

        public RecordingStore Store { get; }

        public RuleEngine Engine { get; }

        public static RuleInput At(int minute) => RuleInput.Reading(Box, Tag, 1, (uint)minute, Ms(minute / 5.0), Math.Round(5 + Math.Sin(minute / 10.0), 2), 50);

        /// <summary>Readings [from, to) but those skipped, in batches of 100 as the feed hands them over, saved once at the end.</summary>
        public async Task FeedAsync(int from, int to, Func<int, bool>? skip = null)
        {
            foreach (RuleInput[] batch in Enumerable.Range(from, to - from).Where(i => skip is null || !skip(i)).Select(At).Chunk(100))
            {
                await Engine.ProcessAsync(batch, saveState: false);
            }
            await Engine.SaveStateAsync();
        }
    }

    /// <summary>Keeps what the last save gave the store: per chunk its tag, number and how many readings it holds.</summary>
    private sealed class RecordingStore(IRuleStore inner) : DelegatingRuleStore(inner)
    {
        public List<(string Tag, long Number, int Readings, int Bytes)> Chunks { get; } = [];

        public List<ChunkRange> Ranges { get; } = [];

        public int StateBytes { get; private set; }

        /// <summary>The next save fails before it reaches the store.</summary>
        public bool FailNext { get; set; }

        public override Task SaveStatesAsync(IReadOnlyList<ContainerSnapshot> states, CancellationToken ct = default)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new CrashException();
            }
            Chunks.Clear();
            Ranges.Clear();
            StateBytes = 0;
            foreach (ContainerSnapshot s in states)
            {
                StateBytes += s.State.Length;
                foreach (WindowChunk c in s.Chunks.Span) Chunks.Add((c.Tag, c.Number, c.Samples.Span[1], c.Samples.Length));
                Ranges.AddRange(s.Ranges.ToArray());
            }
            return base.SaveStatesAsync(states, ct);
        }
    }

    [Fact]
    public async Task A_save_after_a_few_readings_gives_the_store_those_readings_not_the_window()
    {
        var run = new FullWindow();
        await run.FeedAsync(0, 1100);
        ContainerState before = await SavedAsync(run.Inner);
        int windowBytes = SnapshotTests.Stored(before).Chunks.Sum(c => c.Samples.Length);
        Assert.True(before.Streams[Tag].Samples.Count >= 896, "a full window (trimmed to 896 readings at 1,024)");

        for (int k = 1; k <= 10; k++) // 55 readings: still under the reading limit (no trim)
        {
            int from = 1100 + ((k - 1) * k / 2);
            await run.FeedAsync(from, from + k);
            // The snapshot with the window's tail, and the chunk the new readings filled if they did.
            Assert.InRange(run.Store.Chunks.Count, 0, 1);
            Assert.All(run.Store.Chunks, c => Assert.Equal(Size, c.Readings));
            int given = run.Store.StateBytes + run.Store.Chunks.Sum(c => c.Bytes);
            Assert.True(given * 4 < windowBytes, $"{k} new readings: {given} B given, the window is {windowBytes} B");
            Assert.Empty(run.Store.Ranges);
        }
        ContainerState after = await SavedAsync(run.Inner);
        Assert.Equal(Enumerable.Range(0, 1155).Select(i => (uint)i).TakeLast(after.Streams[Tag].Samples.Count), after.Streams[Tag].Samples.Select(s => s.Seq));
    }

    [Fact]
    public async Task A_late_reading_rewrites_the_chunks_from_its_own_and_a_trim_deletes_those_left_behind()
    {
        var run = new FullWindow();
        await run.FeedAsync(0, 1100, skip: i => i == 1000);
        StreamState window = (await SavedAsync(run.Inner)).Streams[Tag];
        long firstNumber = window.First;
        long late = firstNumber + window.Samples.TakeWhile(s => s.Seq <= 1000).Count();

        await run.FeedAsync(1000, 1001);
        long full = (window.First + window.Samples.Count + 1) / Size; // one more reading than before: the chunks below are full
        Assert.True(late / Size < full - 1, "the late reading is two chunks or more before the tail");
        Assert.Equal(Enumerable.Range((int)(late / Size), (int)(full - (late / Size))).Select(n => (long)n), run.Store.Chunks.Select(c => c.Number));
        Assert.Empty(run.Store.Ranges);

        // On to the reading limit: the oldest eighth (128 readings, two chunks) goes, and with it the chunks before the window.
        await run.FeedAsync(1100, 1240);
        StreamState trimmed = (await SavedAsync(run.Inner)).Streams[Tag];
        Assert.True(trimmed.First > firstNumber + Size, "trimmed by more than a chunk");
        ChunkRange range = Assert.Single(run.Store.Ranges);
        Assert.Equal((Tag, trimmed.First / Size, (SnapshotCodec.TailStart(trimmed) / Size) - 1), (range.Tag, range.First, range.Last));
        Assert.Equal(
            Enumerable.Range((int)range.First, (int)(range.Last - range.First) + 1).Select(n => (long)n),
            (await run.Inner.LoadStateAsync(Box))!.Chunks.Select(c => c.Number).Order());
        Assert.Equal(Enumerable.Range(0, 1240).Select(i => (uint)i).TakeLast(trimmed.Samples.Count), trimmed.Samples.Select(s => s.Seq));
    }

    [Fact]
    public async Task A_save_that_failed_is_made_good_by_the_next_and_a_restart_reads_the_window_back()
    {
        var straight = new FullWindow();
        var failing = new FullWindow();
        await straight.FeedAsync(0, 1100, skip: i => i == 1000);
        await failing.FeedAsync(0, 1100, skip: i => i == 1000);

        // A late reading a hundred readings back (two chunks before the last); the save fails (the store is down), more
        // readings come, the next save succeeds: it must write the chunks from the late reading's on, not only the new ones.
        failing.Store.FailNext = true;
        await straight.FeedAsync(1000, 1001);
        await Assert.ThrowsAsync<CrashException>(() => failing.FeedAsync(1000, 1001));
        Assert.Equal(1, failing.Engine.UnsavedContainers);
        foreach (FullWindow run in new[] { straight, failing }) await run.FeedAsync(1100, 1110);
        Assert.True(failing.Store.Chunks.Count >= 2, "the chunks from the late reading's on");

        ContainerState expected = await SavedAsync(straight.Inner);
        Assert.Equal(JsonSerializer.Serialize(expected, StateJson), JsonSerializer.Serialize(await SavedAsync(failing.Inner), StateJson));
        // A restart on the store the failed save left, from its state on: the same windows as the run without a failure.
        var restarted = new FullWindow(failing.Inner);
        var again = new FullWindow(straight.Inner);
        await restarted.FeedAsync(1110, 1120);
        await again.FeedAsync(1110, 1120);
        Assert.Equal(JsonSerializer.Serialize(await SavedAsync(again.Inner), StateJson), JsonSerializer.Serialize(await SavedAsync(restarted.Inner), StateJson));
        Assert.Equal(1120, (await SavedAsync(restarted.Inner)).Streams[Tag].Samples.Count + (await SavedAsync(restarted.Inner)).Streams[Tag].First);
    }
}
