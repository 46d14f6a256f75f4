using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// The window finds duplicates by key (boot, seq) without a hash set of its keys (issue 12: a binary search while the
/// keys ascend, a scan when they do not): the window and the too-late count must be exactly those of the set-based
/// window it replaced, modelled here, for any arrival order, duplicates (also with another time), reboots, seq wraps,
/// and trimming by count and by span.
/// </summary>
public sealed class WindowDuplicatePropertyTests
{
    private const int WindowReadings = 6;
    private static readonly TimeSpan WindowSpan = TimeSpan.FromMinutes(40);

    // Keys from a small space so duplicates are frequent; seqs near uint.MaxValue wrap to 0 (keys out of order).
    private static readonly Gen<(uint Boot, uint Seq, int Minute)> Reading =
        from boot in Gen.Elements(1u, 1u, 1u, 2u)
        from seq in Gen.Elements(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, uint.MaxValue - 1, uint.MaxValue)
        from shift in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Choose(-30, 30)))
        select (boot, seq, Minute(boot, seq) + shift);

    private static readonly Gen<List<List<(uint Boot, uint Seq, int Minute)>>> Batches =
        Gen.ListOf(Gen.ListOf(Reading).Where(b => b.Count is >= 1 and <= 5).Select(b => b.ToList()))
            .Where(l => l.Count is >= 1 and <= 15).Select(l => l.ToList());

    [Fact]
    public void The_window_and_too_late_count_are_those_of_a_window_keyed_by_a_set()
    {
        Prop.ForAll(Batches.ToArbitrary(), batches =>
        {
            var rig = new Rig(options: new RulesOptions { WindowReadings = WindowReadings, WindowSpan = WindowSpan });
            var model = new SetWindow();
            foreach (List<(uint Boot, uint Seq, int Minute)> batch in batches)
            {
                rig.Engine.ProcessAsync([.. batch.Select(r => RuleInput.Reading(Box, Tag, r.Boot, r.Seq, Ms(r.Minute), 5))]).GetAwaiter().GetResult();
                model.Process(batch.Select(r => (r.Boot, r.Seq, Ms(r.Minute))));
            }

            Assert.True(SnapshotCodec.TryRead(rig.Store.LoadStateAsync(Box).GetAwaiter().GetResult()!, out ContainerState saved));
            string engine = string.Join(' ', saved.Streams[Tag].Samples.Select(s => $"{s.Boot}.{s.Seq}@{s.TimeMs}"));
            string expected = string.Join(' ', model.Samples.Select(s => $"{s.Boot}.{s.Seq}@{s.TimeMs}"));
            Assert.Equal(expected, engine);
            Assert.Equal(model.TooLate, rig.Summary().GetAwaiter().GetResult().TooLate);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public async Task A_replay_of_a_whole_window_adds_nothing_and_a_reading_after_it_is_kept()
    {
        var rig = new Rig(options: new RulesOptions { WindowReadings = WindowReadings, WindowSpan = WindowSpan });
        RuleInput[] readings = [.. Enumerable.Range(0, 5).Select(i => R((uint)i, 5))];
        await rig.Feed(readings);
        await rig.Feed(readings.Reverse().ToArray()); // a replay after a crash, in any order: all duplicates
        await rig.Feed(R(5, 5));
        Assert.True(SnapshotCodec.TryRead((await rig.Store.LoadStateAsync(Box))!, out ContainerState saved));
        Assert.Equal([0u, 1, 2, 3, 4, 5], saved.Streams[Tag].Samples.Select(s => s.Seq));
        Assert.Equal(0, (await rig.Summary()).TooLate);
    }

    /// <summary>Readings of boot 1 on a 5-minute grid by seq (the wrapped seqs just before 0), boot 2 two hours on.</summary>
    private static int Minute(uint boot, uint seq) => (boot == 2 ? 120 : 0) + (seq > 1000 ? (int)(seq - uint.MaxValue) - 1 : (int)seq) * 5;

    /// <summary>The window as the engine kept it before: a hash set of the keys beside the time-ordered list.</summary>
    private sealed class SetWindow
    {
        private readonly HashSet<ulong> _keys = [];
        private bool _hasBase;
        private long _baseMs;

        public List<(uint Boot, uint Seq, long TimeMs)> Samples { get; } = [];

        public long TooLate { get; private set; }

        public void Process(IEnumerable<(uint Boot, uint Seq, long TimeMs)> batch)
        {
            bool added = false;
            foreach ((uint boot, uint seq, long timeMs) in batch)
            {
                ulong key = ((ulong)boot << 32) | seq;
                if (_keys.Contains(key)) continue;
                if (_hasBase && timeMs <= _baseMs)
                {
                    TooLate++;
                    continue;
                }
                _keys.Add(key);
                int at = Samples.Count;
                while (at > 0 && Compare(Samples[at - 1], (boot, seq, timeMs)) > 0) at--;
                Samples.Insert(at, (boot, seq, timeMs));
                added = true;
            }
            if (!added) return;
            long oldest = Samples[^1].TimeMs - (long)WindowSpan.TotalMilliseconds;
            while (Samples.Count > 1 && (Samples.Count > WindowReadings || Samples[0].TimeMs < oldest))
            {
                _hasBase = true;
                _baseMs = Samples[0].TimeMs;
                _keys.Remove(((ulong)Samples[0].Boot << 32) | Samples[0].Seq);
                Samples.RemoveAt(0);
            }
        }

        private static int Compare((uint Boot, uint Seq, long TimeMs) a, (uint Boot, uint Seq, long TimeMs) b)
        {
            int c = a.TimeMs.CompareTo(b.TimeMs);
            if (c == 0) c = a.Boot.CompareTo(b.Boot);
            return c != 0 ? c : a.Seq.CompareTo(b.Seq);
        }
    }
}
