using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Gateway.Rules.Tests.Support;
using static Tracking.Gateway.Rules.Tests.Support.Rig;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>
/// The per-container snapshot: a versioned binary format that holds every field the JSON snapshot (version 1) held; an
/// old JSON snapshot still loads, and a snapshot the engine cannot read (another version, damage) does not stop it.
/// </summary>
public sealed class SnapshotTests
{
    // The options the engine used for version 1 snapshots: every public field, samples as arrays.
    private static readonly JsonSerializerOptions Version1Json = new()
    {
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new SampleJsonConverter() },
    };

    /// <summary>A container with two streams, excursions, alerts, shocks, MKT and a battery value: every part of a state in use.</summary>
    private static async Task<Rig> Busy()
    {
        Profile profile = ProfilePresets.Pharma2To8 with { Name = "busy", ShockG = 2, BatteryV = 3.3, Silence = TimeSpan.FromHours(2) };
        var rig = new Rig(profile);
        await rig.Feed(Series(5, 9, 9, 9, 9, 9, 9, 9, 9, 9, 5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 5, double.NaN, 6));
        await rig.Feed(RuleInput.Reading(Box, "tag8", 1, 0, Ms(3), 4.5, 60), RuleInput.Reading(Box, "tag8", 1, 2, Ms(13), 4.7, 61));
        await rig.Feed(RuleInput.Shock(Box, Tag, 1, 7, Ms(20), 4.5), RuleInput.Battery(Box, Tag, Ms(30), 3.1));
        return rig;
    }

    private static byte[] Binary(ContainerState state, byte version = SnapshotCodec.FormatVersion)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SnapshotCodec.Write(buffer, state, version);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The snapshot and every full chunk of each stream's window, as a first save of the state writes them.</summary>
    internal static StoredState Stored(ContainerState state)
    {
        const int size = SnapshotCodec.ChunkSize;
        List<WindowChunk> chunks = [];
        foreach (StreamState st in state.Streams.Values)
        {
            for (long n = st.First / size; n < SnapshotCodec.TailStart(st) / size; n++)
            {
                var buffer = new ArrayBufferWriter<byte>();
                SnapshotCodec.WriteChunk(buffer, st, n, Math.Max(n * size, st.First), (n + 1) * size);
                chunks.Add(new WindowChunk(st.Tag, n, buffer.WrittenSpan.ToArray()));
            }
        }
        return new StoredState(Binary(state), chunks);
    }

    /// <summary>
    /// The state in format 5, its window in the snapshot: format 6's bytes (its profile JSON as plain text, as 5 held it) with each stream's window start and length
    /// replaced by the length. A window of less than a chunk starting at a chunk's start is all tail, which format 6
    /// holds as format 5 held the window.
    /// </summary>
    internal static byte[] Format5(ContainerState state)
    {
        List<long> markers = [];
        Dictionary<StreamState, long> firsts = [];
        foreach (StreamState st in state.Streams.Values)
        {
            Assert.True(st.Samples.Count < SnapshotCodec.ChunkSize);
            firsts[st] = st.First;
            st.First = 0x5A5A_0000_0000_0000 + (SnapshotCodec.ChunkSize * (markers.Count + 1)); // found in the bytes below
            markers.Add(st.First);
        }
        byte[] bytes = Binary(state, version: 6);
        foreach ((StreamState st, long first) in firsts) st.First = first;
        foreach (long marker in markers)
        {
            int where = bytes.AsSpan().IndexOf(BitConverter.GetBytes(marker));
            Assert.True(where > 0);
            bytes = [.. bytes[..where], .. bytes[(where + 8)..]];
        }
        bytes[1] = 5;
        return bytes;
    }

    private static int Size(StoredState stored) => stored.State.Length + stored.Chunks.Sum(c => c.Samples.Length);

    [Fact]
    public async Task The_snapshot_is_versioned_binary_and_holds_every_field_of_the_json_one()
    {
        Rig rig = await Busy();
        StoredState stored = (await rig.Store.LoadStateAsync(Box))!;
        byte[] saved = stored.State;
        Assert.Equal(new byte[] { SnapshotCodec.Magic, SnapshotCodec.FormatVersion }, saved[..2]);
        Assert.Empty(stored.Chunks); // 21 readings: the window's tail, in the snapshot
        Assert.True(SnapshotCodec.TryRead(stored, out ContainerState state));
        Assert.Equal(2, state.Streams.Count);
        StreamState stream = state.Streams[Tag];
        Assert.Equal(21, stream.Samples.Count);
        Assert.NotEmpty(stream.Excursions);
        Assert.NotEmpty(stream.BandAlerts);
        Assert.Single(stream.Shocks);
        Assert.NotNull(stream.Base.Rolling);

        // JSON names every persisted field: a field the binary format forgot shows as a difference here.
        string json = JsonSerializer.Serialize(state, Version1Json);
        Assert.True(SnapshotCodec.TryRead(Stored(state), out ContainerState again));
        Assert.Equal(json, JsonSerializer.Serialize(again, Version1Json));
        Assert.Equal(saved, Binary(again));
        Assert.Equal(stored.Chunks.OrderBy(c => c.Tag, StringComparer.Ordinal).ThenBy(c => c.Number).Select(c => (c.Tag, c.Number, c.Samples.ToArray())),
            Stored(again).Chunks.OrderBy(c => c.Tag, StringComparer.Ordinal).ThenBy(c => c.Number).Select(c => (c.Tag, c.Number, c.Samples.ToArray())));
        Assert.True(Size(stored) < Encoding.UTF8.GetByteCount(json) * 3 / 4, $"binary {Size(stored)} B, JSON {json.Length} B");
    }

    [Fact]
    public async Task Format_7_packs_the_profile_json_and_a_format_6_state_still_loads_and_is_saved_as_7()
    {
        Rig rig = await Busy();
        StoredState stored = (await rig.Store.LoadStateAsync(Box))!;
        Assert.True(SnapshotCodec.TryRead(stored, out ContainerState state));
        Assert.NotEmpty(state.ProfileJson);
        string json = JsonSerializer.Serialize(state, Version1Json);

        // Format 7 holds the profile's JSON compressed: the same state, hundreds of bytes shorter than format 6.
        byte[] format6 = Binary(state, version: 6);
        byte[] format7 = Binary(state);
        Assert.Equal(6, format6[1]);
        Assert.Equal(SnapshotCodec.FormatVersion, format7[1]);
        int utf8 = Encoding.UTF8.GetByteCount(state.ProfileJson);
        Assert.True(format6.Length - format7.Length > utf8 / 2, $"format 6 {format6.Length} B, 7 {format7.Length} B, profile {utf8} B");

        // A format 6 state (an older gateway's) reads back to the same state.
        Assert.True(SnapshotCodec.TryRead(new StoredState(format6, stored.Chunks), out ContainerState from6));
        Assert.Equal(json, JsonSerializer.Serialize(from6, Version1Json));
        Assert.True(SnapshotCodec.TryRead(new StoredState(format7, stored.Chunks), out ContainerState from7));
        Assert.Equal(json, JsonSerializer.Serialize(from7, Version1Json));

        // The engine goes on from a format 6 state exactly as from its own, and saves it as format 7.
        Rig twin = await Busy();
        await twin.Store.SaveStateAsync(Box, format6);
        RuleInput[] rest = [.. Enumerable.Range(21, 12).Select(i => R((uint)i, 9.5))];
        Rig restarted = rig.Restart();
        Rig twinRestarted = twin.Restart();
        await restarted.Feed(rest);
        await twinRestarted.Feed(rest);
        StoredState after = (await twinRestarted.Store.LoadStateAsync(Box))!;
        Assert.Equal(SnapshotCodec.FormatVersion, after.State[1]);
        Assert.Equal((await restarted.Store.LoadStateAsync(Box))!.State, after.State);
    }

    [Fact]
    public void A_profile_json_that_does_not_pack_smaller_is_held_as_text_and_a_damaged_packed_one_is_refused()
    {
        var state = new ContainerState { ProfileJson = "{}" };
        byte[] bytes = Binary(state);
        Assert.True(SnapshotCodec.TryRead(bytes, out ContainerState again));
        Assert.Equal("{}", again.ProfileJson);

        state.ProfileJson = JsonSerializer.Serialize(Enumerable.Range(0, 50).Select(i => new { Name = $"band_{i}", Limit = i }));
        bytes = Binary(state);
        Assert.True(SnapshotCodec.TryRead(bytes, out again));
        Assert.Equal(state.ProfileJson, again.ProfileJson);
        // The packed bytes start after magic, version and the two lengths: a flipped byte in them is damage, not an exception.
        for (int at = 10; at < 30; at++)
        {
            byte[] damaged = [.. bytes];
            damaged[at] ^= 0x5A;
            if (SnapshotCodec.TryRead(damaged, out ContainerState read)) Assert.NotNull(read.ProfileJson);
        }
        byte[] longer = [.. bytes];
        BinaryPrimitives.WriteInt32LittleEndian(longer.AsSpan(2), int.MaxValue); // the unpacked length: far too long
        Assert.False(SnapshotCodec.TryRead(longer, out _));
    }

    [Fact]
    public async Task A_version_1_json_snapshot_still_loads_and_the_engine_goes_on_from_it()
    {
        // The same data with a restart in the middle, once from the binary snapshot and once from its JSON form.
        Rig fromBinary = await Busy();
        Rig fromJson = await Busy();
        Assert.True(SnapshotCodec.TryRead((await fromJson.Store.LoadStateAsync(Box))!, out ContainerState state));
        await fromJson.Store.SaveStateAsync(Box, JsonSerializer.SerializeToUtf8Bytes(state, Version1Json));

        RuleInput[] rest = [.. Enumerable.Range(21, 12).Select(i => R((uint)i, 9.5))];
        Rig binaryRestarted = fromBinary.Restart();
        Rig jsonRestarted = fromJson.Restart();
        await binaryRestarted.Feed(rest);
        await jsonRestarted.Feed(rest);

        Assert.Equal(
            (await binaryRestarted.Alerts()).Select(a => (a.Key, a.State, a.Since)),
            (await jsonRestarted.Alerts()).Select(a => (a.Key, a.State, a.Since)));
        Assert.Equal(Summaries(await binaryRestarted.Engine.SummaryAsync(Box)), Summaries(await jsonRestarted.Engine.SummaryAsync(Box)));
        Assert.Equal(Ms(32 * 5), (await jsonRestarted.Engine.SummaryAsync(Box)).Single(s => s.Tag == Tag).LastReading!.Value.ToUnixTimeMilliseconds());
        Assert.True(SnapshotCodec.IsBinary((await jsonRestarted.Store.LoadStateAsync(Box))!.State), "saved as binary from then on");
    }

    [Fact]
    public async Task A_streams_predictive_warnings_are_saved_with_it_and_read_back()
    {
        // The ramp 4.0 + 0.1 i against 8 C with a 30 min delay, fitted every 15 min: predicted from minute 120, confirmed
        // (30 min) at minute 150.
        var rig = new Rig(OneBand(Upper(8, delayMin: 30)), options: new RulesOptions { PredictionRefit = TimeSpan.FromMinutes(15) });
        await rig.Feed([.. Enumerable.Range(0, 33).Select(i => R((uint)i, 4.0 + (0.1 * i)))]);
        StoredState stored = (await rig.Store.LoadStateAsync(Box))!;
        byte[] saved = stored.State;
        Assert.True(SnapshotCodec.TryRead(stored, out ContainerState state));

        StreamPrediction sp = state.Streams[Tag].Prediction!;
        Assert.True(sp.FromSnapshot);
        Assert.Equal((Ms(160), Ms(160)), (sp.HighWaterMs, sp.TemperatureFitMs)); // fitted at every reading while a warning is in force
        BandWarning band = Assert.Single(sp.Bands);
        Assert.Equal((true, Ms(150), Ms(160), Ms(230)), (band.Active, band.IssuedMs, band.UpdatedMs, band.AlarmMs));
        Assert.Equal(saved, Binary(state)); // every field back, bit for bit
        Assert.Equal(T0.AddMinutes(150), Assert.Single(await rig.Restart().Engine.WarningsAsync(Box)).IssuedAt);
    }

    [Fact]
    public async Task A_format_4_snapshot_still_loads_and_derives_its_warnings_anew_at_its_newest_reading()
    {
        var rig = new Rig(OneBand(Upper(8, delayMin: 30)), options: new RulesOptions { PredictionConfirm = TimeSpan.Zero, PredictionRefit = TimeSpan.Zero });
        await rig.Feed([.. Enumerable.Range(0, 31).Select(i => R((uint)i, 4.0 + (0.1 * i)))]);
        Assert.True(SnapshotCodec.TryRead((await rig.Store.LoadStateAsync(Box))!, out ContainerState state));
        state.Streams[Tag].Prediction = null;
        byte[] format5 = Format5(state);
        // Format 4 is format 5 without each stream's warnings: here one stream's "none" flag, just before the trips' key.
        int flag = format5.Length - 4 - Encoding.UTF8.GetByteCount(state.TripsKey) - 1;
        Assert.Equal(0, format5[flag]);
        byte[] format4 = [.. format5[..flag], .. format5[(flag + 1)..]];
        format4[1] = 4;
        await rig.Store.SaveStateAsync(Box, format4);

        Rig restarted = rig.Restart();
        PredictiveWarning derived = Assert.Single(await restarted.Engine.WarningsAsync(Box));
        Assert.Equal(T0.AddMinutes(150), derived.IssuedAt);
        Assert.Equal(T0.AddMinutes(230), derived.PredictedAlarm);
    }

    private static string[] Summaries(IReadOnlyList<StreamSummary> summaries) =>
        [.. summaries.Select(s => $"{s.Tag} {s.FirstReading} {s.LastReading} {s.MktTripC} {s.MktWindowC} {s.Unknown} {s.ShockCount} "
            + string.Join(';', s.Excursions.Select(e => e.ToString())))];

    [Theory]
    [InlineData("{\"V\":99}")]
    [InlineData("not json")]
    [InlineData("\u00b5\u0009")] // the binary magic with another format version
    public async Task A_snapshot_of_another_version_or_unreadable_starts_the_container_afresh(string snapshot)
    {
        var rig = new Rig(OneBand(Upper(8)));
        byte[] bytes = snapshot.StartsWith('\u00b5') ? [SnapshotCodec.Magic, 9] : Encoding.UTF8.GetBytes(snapshot);
        await rig.Store.SaveStateAsync(Box, bytes);
        await rig.Feed(Series(9));
        Assert.Equal(AlertState.Open, Assert.Single(await rig.Alerts()).State);
        Assert.True(SnapshotCodec.TryRead((await rig.Store.LoadStateAsync(Box))!, out ContainerState saved));
        Assert.Single(saved.Streams[Tag].Samples);
    }

    [Fact]
    public async Task A_full_window_takes_a_fraction_of_its_json_size()
    {
        // As in bench rules: pharma_2_8, readings every 5 min with two decimals, a window of 100 and more.
        var rig = new Rig(ProfilePresets.Pharma2To8);
        await rig.Feed([.. Enumerable.Range(0, 150).Select(i => R((uint)i, Math.Round(5 + Math.Sin(i / 10.0), 2), 50 + (i % 7)))]);
        StoredState stored = (await rig.Store.LoadStateAsync(Box))!;
        Assert.True(SnapshotCodec.TryRead(stored, out ContainerState state));
        int json = JsonSerializer.SerializeToUtf8Bytes(state, Version1Json).Length;
        Assert.True(Size(stored) * 3 < json, $"binary {Size(stored)} B, JSON {json} B");
    }

    [Fact]
    public void Window_samples_come_back_bit_for_bit_whatever_their_values()
    {
        Gen<double> values = Gen.OneOf(
            ArbMap.Default.ArbFor<double>().Generator,
            Gen.Elements(double.NaN, -0.0, 0.0, 4.55, -18.25, 1e300, double.Epsilon, double.PositiveInfinity),
            Gen.Choose(-5000, 5000).Select(i => i / 100.0));
        Gen<Sample> samples =
            from time in ArbMap.Default.ArbFor<long>().Generator
            from boot in ArbMap.Default.ArbFor<uint>().Generator
            from seq in ArbMap.Default.ArbFor<uint>().Generator
            from temp in values
            from rh in values
            select new Sample { TimeMs = time, Boot = boot, Seq = seq, TempC = temp, RhPct = rh };
        // Anywhere in the stream: the window's first reading at any place in its chunk.
        Prop.ForAll(Gen.ListOf(samples).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (list, first) =>
        {
            var state = new ContainerState { ProfileJson = "{}" };
            state.Streams[Tag] = new StreamState { Tag = Tag, Samples = [.. list], First = first };
            Assert.True(SnapshotCodec.TryRead(Stored(state), out ContainerState back));
            Assert.Equal(first, back.Streams[Tag].First);
            SampleWindow read = back.Streams[Tag].Samples;
            Assert.Equal(list.Count, read.Count);
            for (int i = 0; i < read.Count; i++)
            {
                Assert.Equal((list[i].TimeMs, list[i].Boot, list[i].Seq), (read[i].TimeMs, read[i].Boot, read[i].Seq));
                Assert.Equal(BitConverter.DoubleToInt64Bits(list[i].TempC), BitConverter.DoubleToInt64Bits(read[i].TempC));
                Assert.Equal(BitConverter.DoubleToInt64Bits(list[i].RhPct), BitConverter.DoubleToInt64Bits(read[i].RhPct));
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public async Task A_damaged_binary_snapshot_is_refused_never_thrown_or_half_read()
    {
        StoredState stored = (await (await Busy()).Store.LoadStateAsync(Box))!;
        byte[] saved = stored.State;
        Prop.ForAll(Gen.Choose(0, saved.Length - 1).ToArbitrary(), Gen.Choose(0, 255).ToArbitrary(), (at, value) =>
        {
            // Cut short anywhere: refused.
            Assert.False(SnapshotCodec.TryRead(saved.AsSpan(0, at), stored.Chunks, out _));
            // A byte changed: refused, or read as some state (a changed number), never an exception.
            byte[] damaged = [.. saved];
            damaged[at] = (byte)value;
            SnapshotCodec.TryRead(damaged, stored.Chunks, out _);
        }).QuickCheckThrowOnFailure();

        // The same for a window chunk, and a chunk missing is refused (a window of 150 readings: two full chunks).
        var rig = new Rig(ProfilePresets.Pharma2To8);
        await rig.Feed([.. Enumerable.Range(0, 150).Select(i => R((uint)i, Math.Round(5 + Math.Sin(i / 10.0), 2), 50 + (i % 7)))]);
        stored = (await rig.Store.LoadStateAsync(Box))!;
        saved = stored.State;
        Assert.Equal(2, stored.Chunks.Count);
        Assert.False(SnapshotCodec.TryRead(saved, out _), "the full chunks are not in the snapshot");
        Prop.ForAll(Gen.Choose(0, stored.Chunks.Count - 1).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), Gen.Choose(0, 255).ToArbitrary(), (which, at, value) =>
        {
            WindowChunk chunk = stored.Chunks[which];
            byte[] bytes = chunk.Samples.ToArray();
            at %= bytes.Length;
            Assert.False(SnapshotCodec.TryRead(saved, [.. stored.Chunks.Where((_, i) => i != which)], out _));
            Assert.False(SnapshotCodec.TryRead(saved, [.. stored.Chunks.Select((c, i) => i == which ? c with { Samples = bytes[..at] } : c)], out _));
            bytes[at] = (byte)value;
            SnapshotCodec.TryRead(saved, [.. stored.Chunks.Select((c, i) => i == which ? c with { Samples = bytes } : c)], out _);
        }).QuickCheckThrowOnFailure();

        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            byte[] withMagic = [SnapshotCodec.Magic, SnapshotCodec.FormatVersion, .. bytes];
            SnapshotCodec.TryRead(withMagic, out _);
        }).QuickCheckThrowOnFailure();
    }
}
