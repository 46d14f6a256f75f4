using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using Tracking.Gateway.Rules.Mkt;
using Tracking.Gateway.Rules.Prediction;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Engine;

/// <summary>
/// A container's state as a compact binary snapshot: what the JSON snapshot (version 1) held, field by field, fixed-width
/// little-endian numbers, strings as a length and UTF-8. The engine saves every changed container once per
/// <c>Rules:StateSaveInterval</c>, and the window of 100-120 readings is most of it: as JSON each reading took about
/// 60 bytes of text to format and parse, here it is 32 bytes copied (bench <c>rules</c>: the saves were three quarters of
/// the rules' CPU). The snapshot starts with <see cref="Magic"/> (never the first byte of a JSON text) and a format
/// version, so an old JSON snapshot is still told apart and read, and a snapshot of an unknown version is refused.
/// </summary>
internal static class SnapshotCodec
{
    /// <summary>First byte of a binary snapshot: not '{', whitespace or any byte a UTF-8 JSON text starts with.</summary>
    public const byte Magic = 0xB5;

    /// <summary>
    /// 7 holds the profile's JSON compressed (Brotli; <see cref="PackedProfile"/>): the same 680 bytes of text in every
    /// container's snapshot were a third of it, and SQLite's cost of a save (the rows written, the pages written to the WAL
    /// at the commit) follows the bytes (issue 12). 6 saves each stream's window in chunks beside the snapshot (issue 12: a save rewrote every full window, 1,024
    /// readings, for the few new ones): the snapshot holds the window's first reading's number, its length and the
    /// readings of its last chunk while it is not full (<see cref="TailStart(StreamState)"/>); the full chunks
    /// (<see cref="WriteChunk"/>) are stored apart, each written when it fills and again only when it changes (a late
    /// reading, a trim); 6 is still read. 5 added each stream's predictive warnings (their issue and end are recorded in the rule store's
    /// outbox, so a restart must go on with the warnings in force, not issue them again): the high-water mark, the fit
    /// times and each band's warning in force or being confirmed. 4 added the trips: the window's start state's trip
    /// segment, each excursion's and band alert's trip, and the key of the trips the state was evaluated with; 3 added
    /// each stream's deciding battery values and its battery alert's since. 5, 4, 3 and 2 are still read (their window
    /// in the snapshot, without what came after them).
    /// </summary>
    public const byte FormatVersion = 7;

    /// <summary>
    /// Readings per window chunk: reading n of a stream (counted from its first, trimmed ones included) is in chunk
    /// n / 64. A few new readings rewrite the last chunk or two (about 10 bytes a reading), a trim deletes whole chunks.
    /// </summary>
    public const int ChunkSize = 64;

    /// <summary>
    /// The number of the first reading of a window's tail, the readings after its last full chunk, which the snapshot
    /// holds: a save after a few readings then rewrites the snapshot's row only, not a chunk's row too (in SQLite each
    /// is a page written to the journal at commit: the chunks' rows of 1,000 containers were 1,000 pages a save).
    /// </summary>
    public static long TailStart(StreamState st) => TailStart(st.First, st.Samples.Count);

    /// <summary>The tail's first reading of a window starting at reading <paramref name="first"/> with <paramref name="count"/> readings.</summary>
    private static long TailStart(long first, long count) => Math.Max(first, (first + count) / ChunkSize * ChunkSize);

    private const byte PreviousFormatVersion = 2;

    private const byte BatteryFormatVersion = 3;

    private const byte TripsFormatVersion = 4;

    private const byte PredictionFormatVersion = 5;

    private const byte ChunkedFormatVersion = 6;

    /// <summary>The longest profile JSON a snapshot may unpack to (a damaged length must not be an allocation).</summary>
    private const int MaxProfileBytes = 16 << 20;

    /// <summary>Each profile JSON's packed bytes, by the string instance: the containers of a profile share its JSON string.</summary>
    private static readonly ConditionalWeakTable<string, byte[]> PackedProfiles = [];

    public static bool IsBinary(ReadOnlySpan<byte> snapshot) => snapshot.Length > 0 && snapshot[0] == Magic;

    public static void Write(IBufferWriter<byte> output, ContainerState cs) => Write(output, cs, FormatVersion);

    /// <summary>A snapshot of <paramref name="version"/> 7 or 6 (6: what an older gateway saved, for tests that it is still read).</summary>
    internal static void Write(IBufferWriter<byte> output, ContainerState cs, byte version)
    {
        if (version is not (FormatVersion or ChunkedFormatVersion)) throw new ArgumentOutOfRangeException(nameof(version));
        var w = new Writer(output);
        w.Byte(Magic);
        w.Byte(version);
        if (version == FormatVersion) w.Bytes(PackedProfile(cs.ProfileJson));
        else w.String(cs.ProfileJson);
        w.Int(cs.Streams.Count);
        foreach (StreamState st in cs.Streams.Values) WriteStream(ref w, st);
        w.String(cs.TripsKey);
        w.Flush();
    }

    /// <summary>
    /// The window's readings numbered [<paramref name="from"/>, <paramref name="to"/>) of chunk <paramref name="number"/>
    /// (<paramref name="from"/> counted from the stream's first reading, <see cref="StreamState.First"/>): the offset of
    /// the first in the chunk and how many (a byte each), then each reading as the difference to the one before, as
    /// format 5 held the window.
    /// </summary>
    public static void WriteChunk(IBufferWriter<byte> output, StreamState st, long number, long from, long to)
    {
        var w = new Writer(output);
        w.Byte((byte)(from - (number * ChunkSize)));
        w.Byte((byte)(to - from));
        Sample previous = default;
        for (long n = from; n < to; n++)
        {
            Sample s = st.Samples[(int)(n - st.First)];
            WriteSample(ref w, s, previous);
            previous = s;
        }
        w.Flush();
    }

    /// <summary>Reads a container's state as the store gave it back: the snapshot with its window chunks.</summary>
    public static bool TryRead(StoredState stored, out ContainerState state) => TryRead(stored.State, stored.Chunks, out state);

    /// <summary>Reads a snapshot without window chunks: one of format 5 or older, or of 6 whose windows are all in their tails.</summary>
    public static bool TryRead(ReadOnlySpan<byte> snapshot, out ContainerState state) => TryRead(snapshot, [], out state);

    /// <summary>
    /// Reads a snapshot <see cref="Write(IBufferWriter{byte}, ContainerState)"/> made and, for format 6, its streams' windows from <paramref name="chunks"/>
    /// (others than those the windows span are ignored); false (never an exception) when it is damaged, of another
    /// version, or a chunk a window spans is missing or does not hold the readings it should.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> snapshot, IReadOnlyList<WindowChunk> chunks, out ContainerState state)
    {
        state = null!;
        var r = new Reader(snapshot);
        if (r.Byte() != Magic) return false;
        byte version = r.Byte();
        if (version is not (FormatVersion or ChunkedFormatVersion or PredictionFormatVersion or TripsFormatVersion or BatteryFormatVersion
            or PreviousFormatVersion))
        {
            return false;
        }
        var cs = new ContainerState { ProfileJson = version == FormatVersion ? UnpackProfile(ref r) : r.String() };
        int streams = r.Count(minBytes: 8);
        List<(StreamState Stream, long TailStart, List<Sample> Tail)>? windows = version >= ChunkedFormatVersion ? [] : null;
        for (int i = 0; i < streams && r.Ok; i++)
        {
            StreamState st = ReadStream(ref r, version, windows);
            if (!r.Ok || !cs.Add(st)) return false;
        }
        if (version >= TripsFormatVersion) cs.TripsKey = r.String();

        if (!r.Ok || !r.AtEnd) return false;
        if (windows is not null && !ReadWindows(windows, chunks)) return false;
        state = cs;
        return true;
    }

    /// <summary>
    /// The profile JSON as format 7 holds it: its UTF-8 length, the packed length and the packed bytes, Brotli-compressed
    /// when that is shorter (a profile's JSON, about 680 bytes, packs to about 250), else the UTF-8 itself (equal lengths).
    /// Packed once per JSON string and kept with it.
    /// </summary>
    private static byte[] PackedProfile(string json) => PackedProfiles.GetValue(json, static json =>
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(json);
        byte[] packed = new byte[8 + BrotliEncoder.GetMaxCompressedLength(utf8.Length)];
        int written = 0;
        bool compressed = utf8.Length > 0 && BrotliEncoder.TryCompress(utf8, packed.AsSpan(8), out written, quality: 11, window: 22)
            && written < utf8.Length;
        if (!compressed)
        {
            utf8.CopyTo(packed.AsSpan(8));
            written = utf8.Length;
        }
        BinaryPrimitives.WriteInt32LittleEndian(packed, utf8.Length);
        BinaryPrimitives.WriteInt32LittleEndian(packed.AsSpan(4), written);
        return packed[..(8 + written)];
    });

    private static string UnpackProfile(ref Reader r)
    {
        int length = r.Int();
        int packedLength = r.Count(minBytes: 1);
        ReadOnlySpan<byte> packed = r.Bytes(packedLength);
        if (!r.Ok || length < packedLength || length > MaxProfileBytes)
        {
            r.Fail();
            return "";
        }
        if (length == packedLength) return Encoding.UTF8.GetString(packed);
        byte[] utf8 = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            if (BrotliDecoder.TryDecompress(packed, utf8, out int written) && written == length) return Encoding.UTF8.GetString(utf8, 0, length);
            r.Fail();
            return "";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    /// <summary>Fills each stream's window from the chunks it spans and its tail; the stream's chunks are then saved as they are.</summary>
    private static bool ReadWindows(List<(StreamState Stream, long TailStart, List<Sample> Tail)> windows, IReadOnlyList<WindowChunk> chunks)
    {
        Dictionary<(string Tag, long Number), ReadOnlyMemory<byte>> byKey = [];
        foreach (WindowChunk chunk in chunks) byKey[(chunk.Tag, chunk.Number)] = chunk.Samples;
        foreach ((StreamState st, long tailStart, List<Sample> tail) in windows)
        {
            // Every chunk the window spans is there, so a length they cannot hold is damage (refused before any is read).
            if (tailStart - st.First > (long)chunks.Count * ChunkSize) return false;
            for (long number = st.First / ChunkSize; st.First + st.Samples.Count < tailStart; number++)
            {
                if (!byKey.TryGetValue((st.Tag, number), out ReadOnlyMemory<byte> bytes)) return false;
                if (!ReadChunk(bytes.Span, number, st, tailStart)) return false;
            }
            foreach (Sample sample in tail) st.Samples.Add(sample);
            st.SavedFirst = st.First;
            st.SavedPrefix = st.Samples.Count;
        }
        return true;
    }

    /// <summary>Appends the readings of chunk <paramref name="number"/> from the window's next one up to <paramref name="end"/>.</summary>
    private static bool ReadChunk(ReadOnlySpan<byte> bytes, long number, StreamState st, long end)
    {
        var r = new Reader(bytes);
        long at = (number * ChunkSize) + r.Byte();
        long to = at + r.Byte();
        long next = st.First + st.Samples.Count;
        // The chunk must hold the window's next reading and, unless it is full, every reading after it.
        if (!r.Ok || to - (number * ChunkSize) > ChunkSize || at > next || to < Math.Min(end, (number + 1) * ChunkSize)) return false;
        Sample previous = default;
        for (; at < to && r.Ok; at++)
        {
            previous = ReadSample(ref r, previous);
            if (at >= next && at < end) st.Samples.Add(previous);
        }
        return r.Ok && r.AtEnd;
    }

    private static void WriteStream(ref Writer w, StreamState st)
    {
        w.String(st.Tag);
        w.Int(st.Trip);
        WriteEval(ref w, st.Base);
        // The window's full chunks are stored apart (WriteChunk): here where it starts, how long it is and its tail.
        w.Long(st.First);
        w.Int(st.Samples.Count);
        Sample previous = default;
        for (int i = (int)(TailStart(st) - st.First); i < st.Samples.Count; i++)
        {
            WriteSample(ref w, st.Samples[i], previous);
            previous = st.Samples[i];
        }

        w.Int(st.Excursions.Count);
        foreach (ExcursionEntry e in st.Excursions)
        {
            w.String(e.Band);
            w.Long(e.StartMs);
            w.NullableLong(e.EndMs);
            w.Double(e.Peak);
            w.Long(e.DurationMs);
            w.Long(e.UnknownMs);
        }

        w.Int(st.BandAlerts.Count);
        foreach (AlertRef a in st.BandAlerts)
        {
            w.Long(a.Id);
            w.String(a.Band);
            w.Long(a.StartMs);
            w.Bool(a.Cumulative);
            w.NullableLong(a.EndMs);
        }

        w.Int(st.Shocks.Count);
        foreach (ShockRecord s in st.Shocks)
        {
            w.ULong(s.Key);
            w.Long(s.TimeMs);
            w.Double(s.G);
        }

        w.Int(st.ShockCount);
        w.Double(st.ShockMaxG);
        w.Long(st.LastArrivalMs);
        w.Long(st.SilentAlertId);
        w.Long(st.BatteryAlertId);
        w.Long(st.MktAlertId);
        w.Long(st.TooLate);
        w.Int(st.Battery.Count);
        foreach (BatteryPoint b in st.Battery)
        {
            w.Long(b.TimeMs);
            w.Bool(b.Low);
        }
        w.Long(st.BatteryAlertSinceMs);
        w.Long(st.Base.TripId);
        w.Long(st.Base.TripFromMs);
        foreach (ExcursionEntry e in st.Excursions) w.Long(e.Trip);
        foreach (AlertRef a in st.BandAlerts) w.Long(a.Trip);
        WritePrediction(ref w, st.Prediction);
    }

    /// <summary>
    /// The warnings' state (not the fit hints: they only save work). A band neither in force nor being confirmed
    /// is one byte: none of its other fields is read before it is predicted again.
    /// </summary>
    private static void WritePrediction(ref Writer w, StreamPrediction? sp)
    {
        w.Bool(sp is not null);
        if (sp is null) return;
        w.Long(sp.HighWaterMs);
        w.Long(sp.TemperatureFitMs);
        w.Long(sp.HumidityFitMs);
        w.Int(sp.Bands.Length);
        foreach (BandWarning b in sp.Bands)
        {
            bool held = b.Active || b.PendingMs != 0;
            w.Bool(held);
            if (!held) continue;
            w.Bool(b.Active);
            w.Long(b.PendingMs);
            w.Int(b.Side);
            w.Long(b.IssuedMs);
            w.Long(b.UpdatedMs);
            w.Long(b.BreachMs);
            w.Long(b.AlarmMs);
            w.Double(b.SlopePerHour);
            w.Double(b.Level);
            w.Double(b.Confidence);
            w.Int(b.Points);
        }
    }

    private static StreamPrediction? ReadPrediction(ref Reader r)
    {
        if (!r.Bool()) return null;
        var sp = new StreamPrediction { FromSnapshot = true };
        sp.HighWaterMs = r.Long();
        sp.TemperatureFitMs = r.Long();
        sp.HumidityFitMs = r.Long();
        sp.Bands = new BandWarning[r.Count(minBytes: 1)];
        for (int i = 0; i < sp.Bands.Length && r.Ok; i++)
        {
            if (!r.Bool()) continue;
            sp.Bands[i] = new BandWarning
            {
                Active = r.Bool(), PendingMs = r.Long(), Side = r.Int(), IssuedMs = r.Long(), UpdatedMs = r.Long(), BreachMs = r.Long(),
                AlarmMs = r.Long(), SlopePerHour = r.Double(), Level = r.Double(), Confidence = r.Double(), Points = r.Int(),
            };
        }
        return sp;
    }

    /// <summary>
    /// A reading as the difference to the one before (5 min, the same boot, the next seq) and its values in hundredths
    /// when that is exact, about 10 bytes instead of 32.
    /// </summary>
    private static void WriteSample(ref Writer w, in Sample s, in Sample previous)
    {
        // Into one span taken for the sample's most bytes (three varints and two values), not byte by byte.
        Span<byte> span = w.Open(MaxSampleBytes);
        int at = PutVarLong(span, 0, s.TimeMs - previous.TimeMs);
        at = PutVarLong(span, at, (long)s.Boot - previous.Boot);
        at = PutVarLong(span, at, (long)s.Seq - previous.Seq);
        at = PutValue(span, at, s.TempC);
        at = PutValue(span, at, s.RhPct);
        w.Close(at);
    }

    /// <summary>The most bytes <see cref="WriteSample"/> writes: three varints of 10 bytes at most, two values of 9.</summary>
    private const int MaxSampleBytes = (3 * 10) + (2 * 9);

    /// <summary>Zigzag LEB128 at <paramref name="at"/>: small differences of either sign in one or two bytes. Returns the end.</summary>
    private static int PutVarLong(Span<byte> span, int at, long value)
    {
        ulong v = (ulong)((value << 1) ^ (value >> 63));
        while (v >= 0x80)
        {
            span[at++] = (byte)(v | 0x80);
            v >>= 7;
        }
        span[at++] = (byte)v;
        return at;
    }

    /// <summary>
    /// A reading's value at <paramref name="at"/>: a whole number of hundredths (what tags send) as one varint with a 0
    /// flag bit when that gives back exactly the same double; anything else (NaN, more digits, -0) as a 1 flag and the 8
    /// bytes. Returns the end.
    /// </summary>
    private static int PutValue(Span<byte> span, int at, double value)
    {
        double hundredths = Math.Round(value * 100);
        if (Math.Abs(hundredths) < 1e15 && hundredths / 100 == value && !(value == 0 && double.IsNegative(value)))
        {
            return PutVarLong(span, at, (long)hundredths << 1);
        }
        span[at] = 1;
        BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 1)..], value);
        return at + 9;
    }

    private static Sample ReadSample(ref Reader r, Sample previous) => new()
    {
        TimeMs = previous.TimeMs + r.VarLong(),
        Boot = unchecked((uint)(previous.Boot + r.VarLong())),
        Seq = unchecked((uint)(previous.Seq + r.VarLong())),
        TempC = r.Value(),
        RhPct = r.Value(),
    };

    /// <param name="windows">Format 6: each stream's window start and tail, the rest to be read from its chunks.</param>
    private static StreamState ReadStream(ref Reader r, byte version, List<(StreamState Stream, long TailStart, List<Sample> Tail)>? windows)
    {
        var st = new StreamState { Tag = r.String(), Trip = r.Int(), Base = ReadEval(ref r) };
        if (windows is not null)
        {
            st.First = r.Long();
            int count = r.Int();
            // Numbers far from any a stream reaches are damage (and would overflow the chunks' arithmetic).
            if (st.First < 0 || count < 0 || st.First > long.MaxValue / 4) r.Fail();
            long tailStart = TailStart(st.First, count);
            var tail = new List<Sample>();
            Sample previous = default;
            for (long n = tailStart; n < st.First + count && r.Ok; n++)
            {
                previous = ReadSample(ref r, previous);
                tail.Add(previous);
            }
            windows.Add((st, tailStart, tail));
        }
        else
        {
            int samples = r.Count(minBytes: 5);
            Sample previous = default;
            for (int i = 0; i < samples; i++)
            {
                previous = ReadSample(ref r, previous);
                st.Samples.Add(previous);
            }
        }

        int excursions = r.Count(minBytes: 37);
        st.Excursions = new List<ExcursionEntry>(excursions);
        for (int i = 0; i < excursions; i++)
        {
            st.Excursions.Add(new ExcursionEntry
            {
                Band = r.String(), StartMs = r.Long(), EndMs = r.NullableLong(), Peak = r.Double(), DurationMs = r.Long(), UnknownMs = r.Long(),
            });
        }

        int alerts = r.Count(minBytes: 22);
        st.BandAlerts = new List<AlertRef>(alerts);
        for (int i = 0; i < alerts; i++)
        {
            st.BandAlerts.Add(new AlertRef { Id = r.Long(), Band = r.String(), StartMs = r.Long(), Cumulative = r.Bool(), EndMs = r.NullableLong() });
        }

        int shocks = r.Count(minBytes: 24);
        st.Shocks = new List<ShockRecord>(shocks);
        for (int i = 0; i < shocks; i++) st.Shocks.Add(new ShockRecord { Key = r.ULong(), TimeMs = r.Long(), G = r.Double() });

        st.ShockCount = r.Int();
        st.ShockMaxG = r.Double();
        st.LastArrivalMs = r.Long();
        st.SilentAlertId = r.Long();
        st.BatteryAlertId = r.Long();
        st.MktAlertId = r.Long();
        st.TooLate = r.Long();
        if (version == PreviousFormatVersion) return st;
        int battery = r.Count(minBytes: 9);
        st.Battery = new List<BatteryPoint>(battery);
        for (int i = 0; i < battery; i++) st.Battery.Add(new BatteryPoint { TimeMs = r.Long(), Low = r.Bool() });
        st.BatteryChanged();
        st.BatteryAlertSinceMs = r.Long();
        if (version == BatteryFormatVersion) return st;
        st.Base.TripId = r.Long();
        st.Base.TripFromMs = r.Long();
        foreach (ExcursionEntry e in st.Excursions) e.Trip = r.Long();
        foreach (AlertRef a in st.BandAlerts) a.Trip = r.Long();
        if (version == TripsFormatVersion) return st;
        st.Prediction = ReadPrediction(ref r);
        return st;
    }

    private static void WriteEval(ref Writer w, EvalState e)
    {
        w.Bool(e.HasLast);
        w.Long(e.LastMs);
        w.UInt(e.LastBoot);
        w.UInt(e.LastSeq);
        w.Double(e.LastTemp);
        w.Long(e.FirstMs);
        w.Long(e.UnknownMs);
        w.Int(e.Bands.Length);
        foreach (BandState b in e.Bands)
        {
            w.Bool(b.Outside);
            w.Int(b.Side);
            w.Long(b.StartMs);
            w.Bool(b.HasLast);
            w.Long(b.LastMs);
            w.Double(b.Peak);
            w.Long(b.UnknownMs);
            w.Bool(b.Gap);
            w.Bool(b.Alarmed);
            w.Long(b.CumulativeMs);
            w.Bool(b.CumulativeAlarmed);
        }

        w.Double(e.Trip.Weight);
        w.Double(e.Trip.WeightedFactor);
        w.Bool(e.Rolling is not null);
        if (e.Rolling is { } rolling)
        {
            // Only the buckets in use: a bucket never used is (long.MinValue, 0, 0), as RollingMkt starts them.
            w.Long(rolling.BucketMs);
            int used = rolling.UsedBuckets();
            w.Byte((byte)used);
            for (int i = 0; i < RollingMkt.BucketCount && used > 0; i++)
            {
                if (!rolling.IsUsed(i)) continue;
                (long index, double weight, double weightedFactor) = rolling.BucketAt(i);
                w.Byte((byte)i);
                w.Long(index);
                w.Double(weight);
                w.Double(weightedFactor);
            }
        }

        w.Bool(e.MktHigh);
        w.Long(e.MktSinceMs);
    }

    private static EvalState ReadEval(ref Reader r)
    {
        var e = new EvalState
        {
            HasLast = r.Bool(), LastMs = r.Long(), LastBoot = r.UInt(), LastSeq = r.UInt(), LastTemp = r.Double(), FirstMs = r.Long(), UnknownMs = r.Long(),
        };
        int bands = r.Count(minBytes: 49);
        e.Bands = new BandState[bands];
        for (int i = 0; i < bands; i++)
        {
            e.Bands[i] = new BandState
            {
                Outside = r.Bool(), Side = r.Int(), StartMs = r.Long(), HasLast = r.Bool(), LastMs = r.Long(), Peak = r.Double(),
                UnknownMs = r.Long(), Gap = r.Bool(), Alarmed = r.Bool(), CumulativeMs = r.Long(), CumulativeAlarmed = r.Bool(),
            };
        }

        e.Trip = new MktSums { Weight = r.Double(), WeightedFactor = r.Double() };
        if (r.Bool())
        {
            var rolling = new RollingMkt(bucketMs: r.Long());
            int used = r.Byte();
            for (int n = 0; n < used; n++)
            {
                int i = r.Byte();
                if (i >= RollingMkt.BucketCount) r.Fail();
                if (!r.Ok) break;
                rolling.SetBucket(i, r.Long(), r.Double(), r.Double());
            }

            e.Rolling = rolling;
        }

        e.MktHigh = r.Bool();
        e.MktSinceMs = r.Long();
        return e;
    }

    /// <summary>Appends to an <see cref="IBufferWriter{T}"/> in spans of at least 4 KB, advancing once per span.</summary>
    private ref struct Writer(IBufferWriter<byte> output)
    {
        private Span<byte> _span;
        private int _used;

        public void Byte(byte value) => Take(1)[0] = value;

        public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

        public void Int(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

        public void UInt(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);

        public void Long(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

        public void ULong(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);

        public void Double(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Take(8), value);

        public void Bytes(ReadOnlySpan<byte> value) => value.CopyTo(Take(value.Length));

        /// <summary>Room for at least <paramref name="most"/> bytes, to fill from its start and then <see cref="Close"/>.</summary>
        public Span<byte> Open(int most)
        {
            if (_span.Length - _used < most)
            {
                Flush();
                _span = output.GetSpan(Math.Max(most, 4096));
            }

            return _span[_used..];
        }

        /// <summary>Keeps the first <paramref name="written"/> bytes of what <see cref="Open"/> gave.</summary>
        public void Close(int written) => _used += written;

        public void NullableLong(long? value)
        {
            Bool(value.HasValue);
            if (value is { } v) Long(v);
        }

        public void String(string value)
        {
            int bytes = Encoding.UTF8.GetByteCount(value);
            Int(bytes);
            Encoding.UTF8.GetBytes(value, Take(bytes));
        }

        public void Flush()
        {
            output.Advance(_used);
            _used = 0;
            _span = default;
        }

        private Span<byte> Take(int size)
        {
            if (_span.Length - _used < size)
            {
                Flush();
                _span = output.GetSpan(Math.Max(size, 4096));
            }

            Span<byte> taken = _span.Slice(_used, size);
            _used += size;
            return taken;
        }
    }

    /// <summary>Reads fields in order; past the end it returns zeros and <see cref="Ok"/> turns false (checked by the caller).</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public bool Ok { get; private set; } = true;

        public readonly bool AtEnd => _at == _data.Length;

        public byte Byte()
        {
            ReadOnlySpan<byte> b = Take(1);
            return b.Length == 1 ? b[0] : (byte)0;
        }

        public bool Bool() => Byte() != 0;

        public int Int()
        {
            ReadOnlySpan<byte> b = Take(4);
            return b.Length == 4 ? BinaryPrimitives.ReadInt32LittleEndian(b) : 0;
        }

        public uint UInt()
        {
            ReadOnlySpan<byte> b = Take(4);
            return b.Length == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(b) : 0;
        }

        public long Long()
        {
            ReadOnlySpan<byte> b = Take(8);
            return b.Length == 8 ? BinaryPrimitives.ReadInt64LittleEndian(b) : 0;
        }

        public ulong ULong()
        {
            ReadOnlySpan<byte> b = Take(8);
            return b.Length == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(b) : 0;
        }

        public double Double()
        {
            ReadOnlySpan<byte> b = Take(8);
            return b.Length == 8 ? BinaryPrimitives.ReadDoubleLittleEndian(b) : 0;
        }

        public long? NullableLong() => Bool() ? Long() : null;

        public ReadOnlySpan<byte> Bytes(int size) => Take(size);

        public void Fail() => Ok = false;

        public long VarLong()
        {
            ulong v = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = Byte();
                v |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return (long)(v >> 1) ^ -(long)(v & 1);
            }

            Ok = false;
            return 0;
        }

        public double Value()
        {
            if (!Ok || _at >= _data.Length)
            {
                Ok = false;
                return 0;
            }

            if (_data[_at] == 1)
            {
                _at++;
                return Double();
            }

            long tagged = VarLong();
            return (tagged & 1) == 0 ? (tagged >> 1) / 100.0 : Fail(0.0);
        }

        private double Fail(double value)
        {
            Ok = false;
            return value;
        }

        /// <summary>A count of items of at least <paramref name="minBytes"/> each: one the rest cannot hold is damage, not an allocation.</summary>
        public int Count(int minBytes)
        {
            int count = Int();
            if (count < 0 || (long)count * minBytes > _data.Length - _at)
            {
                Ok = false;
                return 0;
            }

            return count;
        }

        public string String()
        {
            int bytes = Count(minBytes: 1);
            ReadOnlySpan<byte> utf8 = Take(bytes);
            return Ok ? Encoding.UTF8.GetString(utf8) : "";
        }

        private ReadOnlySpan<byte> Take(int size)
        {
            if (!Ok || _data.Length - _at < size)
            {
                Ok = false;
                return default;
            }

            ReadOnlySpan<byte> taken = _data.Slice(_at, size);
            _at += size;
            return taken;
        }
    }
}
