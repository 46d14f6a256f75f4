using System.Globalization;
using System.Text;
using ContainerTag.Core.Control;
using ContainerTag.Core.Hardware;
using ContainerTag.Core.Protocol;
using ContainerTag.Core.Storage;
using ContainerTag.Tests.Fakes;
using FsCheck;
using Tracking.Testing;
using FsCheck.Fluent;
using Xunit;

namespace ContainerTag.Tests;

/// <summary>
/// Every decoder of the tag (the config message from MQTT, the spool block names, records, state slots and journal
/// from flash) turns any input into a value or a rejection; nothing else escapes, and valid input still decodes to
/// what was encoded. Bounded in count so each property runs in about a second.
/// </summary>
public class DecoderTotalityTests
{
    private const string Good = ConfigParserTests.Good;

    /// <summary>Byte strings that are likely to trip a JSON reader when spliced into a message.</summary>
    private static readonly byte[][] Insertions =
        [[0xFF], [0xC0], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], "\\uD800"u8.ToArray(), "\\uDC00"u8.ToArray(),
         "\\u0000"u8.ToArray(), "1e-400"u8.ToArray(), "1e400"u8.ToArray(), "9223372036854775808"u8.ToArray(),
         "123456789012345678901234567890e99999999999"u8.ToArray(), "-0.0000000000000000000000001"u8.ToArray(),
         Encoding.ASCII.GetBytes(new string('[', 100)), Encoding.ASCII.GetBytes(new string('{', 40)), "{\"a\":"u8.ToArray(),
         "\""u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(), "\\"u8.ToArray(),
         "\"v\":1,"u8.ToArray(), "\"sample_s\":300,"u8.ToArray(), "tru"u8.ToArray(), "null"u8.ToArray()];

    private static Config Bounded(int count) => Config.QuickThrowOnFailure.WithMaxTest(count);

    internal static byte[] Mutate(byte[] input, IEnumerable<(int Kind, int Pos, int Byte, int Insertion)> ops) =>
        ByteMutations.Apply(input, ops, Insertions);

    internal static Gen<(int, int, int, int)> Edit => ByteMutations.Edit(Insertions.Length, 10_000);

    internal static Gen<byte[]> MutationsOf(byte[] valid) =>
        Gen.ListOf(Edit).Where(l => l.Count is > 0 and < 8).Select(ops => Mutate(valid, ops));

    /// <summary>Random byte strings of any length up to a little over the payload limit, with JSON-ish bytes overrepresented.</summary>
    private static Gen<byte[]> RandomBytes =>
        Gen.Frequency(
            (3, ArbMap.Default.ArbFor<byte[]>().Generator),
            (3, Gen.ArrayOf(Gen.Elements("{}[]:,\"\\0123456789-+.eEtrufalsn \u00ff\u00c3\u00ed"u8.ToArray()))),
            (1, Gen.Choose(4000, 4200).SelectMany(n => Gen.ArrayOf(Gen.Elements("[{\"a\":1,"u8.ToArray()), n))));

    private static bool ConfigTotal(byte[] bytes)
    {
        var parser = new ConfigParser();
        TagConfig? c = parser.Parse(bytes, bytes.Length);
        // a value with no error, or no value with a reason; reaching here means nothing was thrown
        // the reason goes out as cfg_err in the status message: printable ASCII only, so any JSON reader decodes it
        return c is not null ? parser.Error is null && c.Validate() is null
            : !string.IsNullOrEmpty(parser.Error) && parser.Error.All(ch => ch is >= ' ' and <= '~');
    }

    [Fact]
    public void Config_messages_of_random_bytes_are_a_value_or_a_rejection()
    {
        Prop.ForAll(RandomBytes.ToArbitrary(), ConfigTotal).Check(Bounded(4000));
    }

    [Fact]
    public void Config_messages_of_random_text_with_unpaired_surrogates_are_a_value_or_a_rejection()
    {
        // strings as .NET holds them (possibly with lone surrogates) encoded by a lenient encoder, and raw UTF-16 bytes
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), s =>
            ConfigTotal(Encoding.UTF8.GetBytes(s ?? "")) && ConfigTotal(Encoding.Unicode.GetBytes(s ?? ""))
            && ConfigTotal(Encoding.UTF8.GetBytes("{\"" + s + "\":1," + Good[1..]))).Check(Bounded(3000));
    }

    [Fact]
    public void Mutations_of_a_valid_config_message_are_a_value_or_a_rejection()
    {
        Prop.ForAll(MutationsOf(Encoding.UTF8.GetBytes(Good)).ToArbitrary(), ConfigTotal).Check(Bounded(5000));
    }

    [Fact]
    public void Deep_nesting_and_huge_numbers_in_unknown_fields_are_a_value_or_a_rejection()
    {
        Gen<string> value =
            from depth in Gen.Choose(0, 60)
            from kind in Gen.Choose(0, 2)
            from digits in Gen.Choose(1, 400)
            from exp in Gen.Choose(-100_000, 100_000)
            select kind switch
            {
                0 => new string('[', depth) + new string(']', depth),
                1 => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "0" + new string('}', depth),
                _ => new string('9', digits) + "." + new string('9', digits) + "e" + exp.ToString(CultureInfo.InvariantCulture),
            };
        Prop.ForAll(value.ToArbitrary(), v =>
        {
            byte[] bytes = Encoding.UTF8.GetBytes("{\"x\":" + v + "," + Good[1..]);
            var parser = new ConfigParser();
            TagConfig? c = parser.Parse(bytes, bytes.Length);
            // depth 16 is the documented limit of skipped values; below it the message is accepted as it is
            return ConfigTotal(bytes) && (c is not null || !string.IsNullOrEmpty(parser.Error));
        }).Check(Bounded(2000));
    }

    [Fact]
    public void Huge_numbers_in_known_fields_are_rejected_with_the_field_name()
    {
        Gen<string> number =
            from digits in Gen.Choose(1, 600)
            from exp in Gen.Choose(-400_000, 400_000)
            from sign in Gen.Elements("", "-")
            select sign + "1" + new string('0', digits) + "e" + exp.ToString(CultureInfo.InvariantCulture);
        Prop.ForAll(number.ToArbitrary(), Gen.Elements("sample_s", "t_lo", "shock_g", "bat_lo").ToArbitrary(), (n, field) =>
        {
            string json = System.Text.RegularExpressions.Regex.Replace(Good, "\"" + field + "\":[^,}]*", "\"" + field + "\":" + n);
            var parser = new ConfigParser();
            byte[] bytes = Encoding.UTF8.GetBytes(json);
            return parser.Parse(bytes, bytes.Length) is not null ? parser.Error is null : parser.Error!.StartsWith(field + ":", StringComparison.Ordinal);
        }).Check(Bounded(2000));
    }

    [Fact]
    public void Valid_configs_in_any_field_order_and_spacing_decode_to_their_values()
    {
        Gen<(TagConfig Config, string Json)> valid =
            from sample in Gen.Choose(Limits.SampleMinS, Limits.SampleMaxS)
            from reportExtra in Gen.Choose(0, Limits.ReportMaxS - Limits.SampleMaxS)
            from lo in Gen.Choose(-4000, 8499)
            from hiExtra in Gen.Choose(1, 8500 - 8499 + 12499)
            from delay in Gen.Choose(0, Limits.DelayMaxS)
            from shock in Gen.Choose(50, 2770)
            from bat in Gen.Choose(0, 500)
            from order in Gen.Shuffle(Enumerable.Range(0, 9).ToArray())
            from space in Gen.Elements("", " ", "\r\n\t ")
            select Build(sample, sample + reportExtra, lo, Math.Min(8500, lo + hiExtra), delay, shock, bat, order, space);
        Prop.ForAll(valid.ToArbitrary(), v =>
        {
            var parser = new ConfigParser();
            byte[] bytes = Encoding.UTF8.GetBytes(v.Json);
            TagConfig? c = parser.Parse(bytes, bytes.Length);
            return c is not null && parser.Error is null && c.SameAs(v.Config);
        }).Check(Bounded(3000));
    }

    private static (TagConfig, string) Build(int sample, int report, int lo, int hi, int delay, int shock, int bat, int[] order, string space)
    {
        var c = new TagConfig
        {
            SampleS = sample, ReportS = report, TempLowC = lo / 100.0, TempHighC = hi / 100.0, TempDelayS = delay,
            ShockG = shock / 100.0, BatteryLowV = bat / 100.0,
        };
        string[] fields =
        [
            "\"v\":1", $"\"sample_s\":{sample}", $"\"report_s\":{report}", $"\"t_lo\":{Fixed(lo, 2)}", $"\"t_hi\":{Fixed(hi, 2)}",
            $"\"t_delay_s\":{delay}", $"\"shock_g\":{Fixed(shock, 2)}", $"\"bat_lo\":{Fixed(bat, 2)}", "\"extra\":{\"k\":[1,\"\\u00e9\",null]}",
        ];
        return (c, "{" + space + string.Join("," + space, order.Select(i => fields[i].Replace(":", space + ":" + space))) + space + "}");
    }

    private static string Fixed(int hundredths, int decimals) =>
        (hundredths / Math.Pow(10, decimals)).ToString("0.##", CultureInfo.InvariantCulture);

    [Fact]
    public void Spool_block_names_of_any_text_are_a_block_or_null()
    {
        Gen<string> names = Gen.Frequency(
            (2, ArbMap.Default.ArbFor<string>().Generator.Select(s => s ?? "")),
            (3, Gen.ArrayOf(Gen.Elements("sp0123456789.-+ \u00ad\u0660\uff10\ud800".ToCharArray()))
                .Select(cs => "sp" + new string(cs))),
            // near misses of real names: 8 index digits and a dot, then a boot with leading zeros, signs or junk
            (3, from index in Gen.Choose(0, 99_999_999)
                from zeros in Gen.Choose(0, 3)
                from boot in Gen.Choose(0, int.MaxValue)
                from tail in Gen.Elements("", "", "x", " ", "\u0660", ".1", "0")
                select "sp" + index.ToString("D8", CultureInfo.InvariantCulture) + "." + new string('0', zeros)
                    + boot.ToString(CultureInfo.InvariantCulture) + tail));
        Prop.ForAll(names.ToArbitrary(), name =>
        {
            SpoolBlock? b = SpoolBlock.Parse(name);
            // whatever is accepted names itself exactly: the block is the name's, not a guess
            return b is null || (b.Name == name && b.Index >= 0 && b.Boot is >= 0 and <= 0xFFFFFFFFL);
        }).Check(Bounded(4000));
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (index, boot) =>
        {
            SpoolBlock? b = SpoolBlock.Parse(SpoolBlock.MakeName(index % 100_000_000, boot));
            return b is not null && b.Index == index % 100_000_000 && b.Boot == boot;
        }).Check(Bounded(2000));
    }

    [Fact]
    public void Spool_records_of_any_bytes_are_a_reading_within_the_wire_ranges_or_a_rejection()
    {
        Gen<byte[]> records = Gen.ArrayOf(ArbMap.Default.ArbFor<byte>().Generator, Reading.RecordSize).Select(b =>
        {
            b[19] = ByteCodec.Crc8(b, 0, 19); // mostly well-formed: the CRC alone would reject almost everything
            return b;
        });
        var r = new Reading();
        Prop.ForAll(Gen.Frequency((1, Gen.ArrayOf(ArbMap.Default.ArbFor<byte>().Generator, Reading.RecordSize)), (4, records)).ToArbitrary(), b =>
            !r.Decode(b, 0, 7) || (InWireRange(r) && r.Boot == 7)).Check(Bounded(4000));

        Reading original = EncoderTests.MakeReading(3, 42, 1_732_600_000_000, 4.21, 55.5, 1013.2, 0.08);
        var encoded = new byte[Reading.RecordSize];
        original.Encode(encoded, 0);
        Assert.True(r.Decode(encoded, 0, 3));
        Assert.Equal((original.Seq, original.StampMs, original.TempCenti, original.HumidityDeci, original.PressureDeci, original.PeakCentiG),
            (r.Seq, r.StampMs, r.TempCenti, r.HumidityDeci, r.PressureDeci, r.PeakCentiG));
    }

    internal static bool InWireRange(Reading r) =>
        (!r.HasTemp || r.TempCenti is >= Limits.TempMinCenti and <= Limits.TempMaxCenti)
        && (!r.HasHumidity || r.HumidityDeci is >= Limits.HumidityMinDeci and <= Limits.HumidityMaxDeci)
        && (!r.HasPressure || r.PressureDeci is >= Limits.PressureMinDeci and <= Limits.PressureMaxDeci)
        && (!r.HasPeak || r.PeakCentiG is >= Limits.PeakMinCentiG and <= Limits.PeakMaxCentiG)
        && r.ThinLevel is >= 0 and <= Reading.MaxThinLevel;

    /// <summary>A state slot as StateStore writes it: magic, format, generation, body, CRC-32.</summary>
    internal static byte[] Slot(byte[] body, long generation = 5)
    {
        var s = new ByteStream(16);
        s.WriteU16(0x5354);
        s.WriteU8(1);
        s.WriteU32(generation);
        s.WriteBytes(body, 0, body.Length);
        s.WriteU32(ByteCodec.Crc32(s.Buffer, 0, s.Position));
        return s.Buffer[..s.Position];
    }

    internal static byte[] ValidStateBody()
    {
        var state = new TagState { Initialized = true, Boot = 3, NextSeq = 42, NextEventSeq = 7, ConfigError = "t_hi: must be greater than t_lo" };
        state.Bases.StartBoot(3, 1000, false, false, 0);
        state.PendingEvents.Add(new TagEvent { Boot = 3, Seq = 6, StampMs = 900, Kind = EventKind.Shock, ValueCenti = 640 });
        var s = new ByteStream(64);
        state.WriteTo(s);
        return s.Buffer[..s.Position];
    }

    /// <summary>Loads the slot; a loaded state must be one the controller can run on.</summary>
    private static bool StateTotal(byte[] slot)
    {
        var storage = new MemoryStorage();
        storage.Write("st.a", slot, 0, slot.Length);
        var state = new TagState();
        if (!new StateStore(storage).Load(state))
        {
            return true;
        }
        if (state.Config.Validate() is not null || state.ExcursionKind is not (0 or EventKind.TempHigh or EventKind.TempLow))
        {
            return false;
        }
        foreach (TagEvent e in state.PendingEvents)
        {
            if (EventKind.Name(e.Kind) is null)
            {
                return false;
            }
            EventEncoder.Encode(e, state.Bases, 1000, false, new PayloadWriter(64));
        }
        return true;
    }

    [Fact]
    public void State_slots_of_any_bytes_are_a_usable_state_or_a_fresh_boot()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), b => StateTotal(b) && StateTotal(Slot(b))).Check(Bounded(3000));
    }

    [Fact]
    public void Mutations_of_a_valid_state_slot_are_a_usable_state_or_a_fresh_boot()
    {
        byte[] body = ValidStateBody();
        Assert.True(StateTotal(Slot(body)));
        var loaded = new TagState();
        var storage = new MemoryStorage();
        byte[] slot = Slot(body);
        storage.Write("st.b", slot, 0, slot.Length);
        Assert.True(new StateStore(storage).Load(loaded));
        Assert.Equal((3L, 42L, 7L, "t_hi: must be greater than t_lo", 1), (loaded.Boot, loaded.NextSeq, loaded.NextEventSeq, loaded.ConfigError, loaded.PendingEvents.Count));

        // the CRC is recomputed after mutating the body, so the decoder itself has to cope
        Prop.ForAll(MutationsOf(body).ToArbitrary(), b => StateTotal(Slot(b))).Check(Bounded(3000));
    }

    /// <summary>A journal blob as StorageJournal writes it, with its CRC made to match.</summary>
    internal static byte[] Journal(byte[] body)
    {
        var s = new ByteStream(16);
        s.WriteBytes(body, 0, body.Length);
        s.WriteU32(ByteCodec.Crc32(s.Buffer, 0, s.Position));
        return s.Buffer[..s.Position];
    }

    private static byte[] ValidJournalBody()
    {
        var storage = new RecordingStorage();
        var journal = new StorageJournal(storage, "jr");
        journal.Begin();
        journal.AddWrite("sp00000001.3", [1, 2, 3, 4, 5], 0, 5);
        journal.AddWrite("sp00000002.3", [9, 8], 0, 2);
        journal.AddDelete("sp00000000.3");
        journal.Commit();
        byte[] blob = storage.FirstJournal!;
        return blob[..^4];
    }

    private static bool JournalTotal(byte[] blob)
    {
        var storage = new MemoryStorage();
        storage.Write("keep", [42], 0, 1);
        storage.Write("jr", blob, 0, blob.Length);
        bool applied = new StorageJournal(storage, "jr").Recover();
        // the journal is gone either way; a journal that was not applied changed nothing
        return storage.GetSize("jr") == -1 && (applied || (storage.GetSize("keep") == 1 && storage.List("").Length == 1));
    }

    [Fact]
    public void Journals_of_any_bytes_are_applied_whole_or_dropped()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), b => JournalTotal(b) && JournalTotal(Journal(b))).Check(Bounded(3000));
    }

    [Fact]
    public void Mutations_of_a_valid_journal_are_applied_whole_or_dropped()
    {
        byte[] body = ValidJournalBody();
        var storage = new MemoryStorage();
        byte[] blob = Journal(body);
        storage.Write("jr", blob, 0, blob.Length);
        Assert.True(new StorageJournal(storage, "jr").Recover());
        Assert.Equal(5, storage.GetSize("sp00000001.3"));
        Assert.Equal(2, storage.GetSize("sp00000002.3"));

        Prop.ForAll(MutationsOf(body).ToArbitrary(), b => JournalTotal(Journal(b))).Check(Bounded(3000));
    }
}
