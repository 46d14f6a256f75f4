using System.Globalization;
using System.Text;
using FsCheck;
using Tracking.Testing;
using FsCheck.Fluent;
using TagSimulator.Manifest;
using TagSimulator.Models;

namespace TagSimulator.Tests;

/// <summary>
/// Every decoder of the simulator (the acknowledged payloads it records, the manifest file it reads back, its
/// command line) turns any input into a value or a rejection with a reason; nothing else escapes, and valid
/// input still decodes to what was written. Bounded in count so each property runs in a few seconds.
/// </summary>
public sealed class DecoderTotalityTests
{
    internal const string Telemetry =
        "{\"v\":1,\"boot\":3,\"seq\":120,\"t0\":1732600000000,\"bat\":3.92,\"r\":[[0,4.21,55.2,1013.2,0.12],[300000,4.25,55,1013.1,null]]}";

    internal const string Event = "{\"v\":1,\"boot\":3,\"seq\":121,\"ts\":1732600123456,\"kind\":\"shock\",\"g\":6.4}";

    /// <summary>Byte strings likely to trip a JSON reader when spliced into a message.</summary>
    private static readonly byte[][] Insertions =
        [[0xFF], [0xC0], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], "\\uD800"u8.ToArray(), "\\uDC00"u8.ToArray(),
         "\\u0000"u8.ToArray(), "1e-400"u8.ToArray(), "1e400"u8.ToArray(), "9223372036854775808"u8.ToArray(),
         "-9223372036854775809"u8.ToArray(), "123456789012345678901234567890e99999999999"u8.ToArray(), "1e300"u8.ToArray(),
         Encoding.ASCII.GetBytes(new string('[', 100)), Encoding.ASCII.GetBytes(new string('{', 70)), "{\"a\":"u8.ToArray(),
         "\""u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(),
         "\\"u8.ToArray(), "\"boot\":1,"u8.ToArray(), "\"seq\":1.5,"u8.ToArray(), "\"kind\":\"\\uD800\","u8.ToArray(), "null"u8.ToArray(),
         "\"x\""u8.ToArray(), "true"u8.ToArray()];

    private static Config Bounded(int count) => Config.QuickThrowOnFailure.WithMaxTest(count);

    private static byte[] Mutate(byte[] input, IEnumerable<(int Kind, int Pos, int Byte, int Insertion)> ops) =>
        ByteMutations.Apply(input, ops, Insertions);

    private static Gen<(int, int, int, int)> Edit => ByteMutations.Edit(Insertions.Length, 100_000);

    private static Gen<byte[]> MutationsOf(byte[] valid) =>
        Gen.ListOf(Edit).Where(l => l.Count is > 0 and < 8).Select(ops => Mutate(valid, ops));

    /// <summary>Random byte strings, with JSON-ish bytes overrepresented, and deep nesting.</summary>
    private static Gen<byte[]> RandomBytes =>
        Gen.Frequency(
            (3, ArbMap.Default.ArbFor<byte[]>().Generator),
            (3, Gen.ArrayOf(Gen.Elements("{}[]:,\"\\0123456789-+.eEtrufalsn \u00ff\u00c3\u00ed"u8.ToArray()))),
            (1, Gen.Choose(1, 300).Select(n => Encoding.ASCII.GetBytes(new string('[', n) + new string(']', n)))),
            (1, Gen.Choose(1, 300).Select(n => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"r\":", n)) + "1" + new string('}', n)))));

    /// <summary>Records the payload on a fresh manifest: recorded with no reason, or a reason and nothing added.</summary>
    private static bool RecordTotal(string topic, byte[] payload)
    {
        var m = new TagManifest("f", "c", "t");
        string? error = m.Record(topic, payload);
        return error is null
            ? m.Rejected == 0 // reaching here means nothing was thrown
            : error.Length > 0 && m.Rejected == 1 && m.LastRejection == error && m.Readings.Count == 0 && m.Events.Count == 0;
    }

    [Fact]
    public void Acknowledged_payloads_of_random_bytes_are_recorded_or_rejected()
    {
        Prop.ForAll(RandomBytes.ToArbitrary(), b => RecordTotal("f/c/t/telemetry", b) && RecordTotal("f/c/t/event", b)).Check(Bounded(3000));
    }

    [Fact]
    public void Acknowledged_payloads_of_random_text_with_unpaired_surrogates_are_recorded_or_rejected()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), s =>
        {
            s ??= "";
            byte[] inKind = Encoding.UTF8.GetBytes(Event.Replace("shock", s.Replace("\\", "\\\\").Replace("\"", "\\\""), StringComparison.Ordinal));
            return RecordTotal("f/c/t/event", Encoding.UTF8.GetBytes(s)) && RecordTotal("f/c/t/telemetry", Encoding.Unicode.GetBytes(s))
                && RecordTotal("f/c/t/event", inKind);
        }).Check(Bounded(3000));
    }

    [Fact]
    public void Mutations_of_valid_telemetry_and_events_are_recorded_or_rejected()
    {
        Prop.ForAll(MutationsOf(Encoding.UTF8.GetBytes(Telemetry)).ToArbitrary(), b => RecordTotal("f/c/t/telemetry", b)).Check(Bounded(4000));
        Prop.ForAll(MutationsOf(Encoding.UTF8.GetBytes(Event)).ToArbitrary(), b => RecordTotal("f/c/t/event", b)).Check(Bounded(4000));
    }

    [Fact]
    public void Valid_telemetry_and_events_record_their_values()
    {
        var m = new TagManifest("f", "c", "t");
        Assert.Null(m.Record("f/c/t/telemetry", Encoding.UTF8.GetBytes(Telemetry)));
        Assert.Null(m.Record("f/c/t/event", Encoding.UTF8.GetBytes(Event)));
        Assert.Equal(
            [new ManifestReading(3, 120, 1732600000000, 421, 552, 10132, 12), new ManifestReading(3, 121, 1732600300000, 425, 550, 10131, ManifestReading.NoValue)],
            m.Readings);
        Assert.Equal([new ManifestEvent(3, 121, 1732600123456, "shock", 6.4)], m.Events);

        // any valid reading values come back exactly in the manifest
        Gen<(long Offset, int Temp, int Rh, int P, int G)> row =
            from offset in Gen.Choose(0, int.MaxValue)
            from temp in Gen.Choose(-4000, 8500)
            from rh in Gen.Choose(0, 1000)
            from p in Gen.Choose(3000, 11000)
            from g in Gen.Choose(0, 2770)
            select ((long)offset, temp, rh, p, g);
        Prop.ForAll(Gen.NonEmptyListOf(row).Select(l => l.Take(20).ToArray()).ToArbitrary(), rows =>
        {
            string json = "{\"v\":1,\"boot\":9,\"seq\":5,\"t0\":1000,\"r\":[" + string.Join(",", rows.Select(r =>
                $"[{r.Offset},{Fixed(r.Temp, 100)},{Fixed(r.Rh, 10)},{Fixed(r.P, 10)},{Fixed(r.G, 100)}]")) + "]}";
            var manifest = new TagManifest("f", "c", "t");
            return manifest.Record("f/c/t/telemetry", Encoding.UTF8.GetBytes(json)) is null
                && manifest.Readings.SequenceEqual(rows.Select((r, i) => new ManifestReading(9, 5 + i, 1000 + r.Offset, r.Temp, r.Rh, r.P, r.G)));
        }).Check(Bounded(2000));
    }

    private static string Fixed(int units, int per) => (units / (double)per).ToString("R", CultureInfo.InvariantCulture);

    private static byte[] ValidManifest()
    {
        var tag = new TagManifest("sim", "MSCU1234565", "t0001");
        tag.Record("sim/MSCU1234565/t0001/telemetry", Encoding.UTF8.GetBytes(Telemetry));
        tag.Record("sim/MSCU1234565/t0001/event", Encoding.UTF8.GetBytes(Event));
        tag.Record("sim/MSCU1234565/t0001/telemetry", "{\"v\":1,\"boot\":4,\"seq\":0,\"r\":[[-5000,null,null,null,null]]}"u8.ToArray());
        // with a scenario record of every field, so mutations reach its decoder too
        tag.Scenario = new ScenarioRecord
        {
            Kind = ScenarioKind.RoughHandling, SetPointC = 4.5, FailureStartMs = 1_732_650_000_000, Shocks = [new Shock(1_732_610_000_000, 4.0), new Shock(1_732_620_000_123, 11.37)],
            AirLeg = new TimeWindow(1_732_630_000_000, 1_732_640_000_000), SilentFromMs = 1_732_660_000_000, Doors = [new TimeWindow(1_732_601_000_000, 1_732_601_300_000)],
        };
        var manifest = new FleetManifest { Seed = 7, StartMs = 1_732_600_000_000, EndMs = 1_732_700_000_000, Tags = [tag] };
        var stream = new MemoryStream();
        manifest.Write(stream);
        return stream.ToArray();
    }

    private static bool ManifestTotal(byte[] json)
    {
        FleetManifest? m = FleetManifest.Parse(json, out string? error);
        return m is not null ? error is null : !string.IsNullOrEmpty(error);
    }

    [Fact]
    public void Manifest_files_of_random_bytes_are_a_manifest_or_a_rejection()
    {
        Prop.ForAll(RandomBytes.ToArbitrary(), ManifestTotal).Check(Bounded(3000));
    }

    [Fact]
    public void Mutations_of_a_valid_manifest_are_a_manifest_or_a_rejection()
    {
        byte[] valid = ValidManifest();
        FleetManifest m = FleetManifest.Parse(valid, out string? error)!;
        Assert.Null(error);
        var again = new MemoryStream();
        m.Write(again);
        Assert.Equal(valid, again.ToArray()); // what was written reads back to the same manifest
        Assert.Equal(3, m.ReadingCount);
        Assert.Equal(ScenarioKind.RoughHandling, m.Tags[0].Scenario!.Kind);
        Assert.Equal([new Shock(1_732_610_000_000, 4.0), new Shock(1_732_620_000_123, 11.37)], m.Tags[0].Scenario!.Shocks);

        Prop.ForAll(MutationsOf(valid).ToArbitrary(), ManifestTotal).Check(Bounded(4000));
    }

    private static readonly string[] Flags =
        ["--broker", "--fleet", "--tags", "--duration", "--speed", "--seed", "--start", "--manifest", "--connections", "--workers", "--quiet", "--help", "-x", "",
         "--scenarios", "--list-containers"];

    private static readonly string[] Values =
        ["", "0", "-1", "1", "30d", "1.5h", "500ms", "ms", "d", "NaN", "Infinity", "-Infinity", "1e-300", "1e300", "1e-7s", "0.0001ms",
         "max", "127.0.0.1:1883", "mqtt://h:1/", ":1", "h:", "h:99999", "2026-12-03T11:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01",
         "9223372036854775807", "-9223372036854775808", "a/b", "sim", "\ud800", "\u0660", "١٢", "5", "8h"];

    /// <summary>A command line is options or an ArgumentException with a message (the rejection Program prints with the usage).</summary>
    private static bool OptionsTotal(string[] args)
    {
        try
        {
            SimulatorOptions o = SimulatorOptions.Parse(args);
            return o.DurationMs >= 1 && o.Tags >= 1 && o.Connections >= 1 && o.Workers >= 1 && o.Speed > 0
                && o.BrokerPort is >= 1 and <= 65535;
        }
        catch (ArgumentException e)
        {
            return e.Message.Length > 0;
        }
    }

    [Fact]
    public void Command_lines_of_random_flags_and_values_are_options_or_a_rejection()
    {
        Gen<string> word = Gen.Frequency(
            (4, Gen.Elements(Flags)), (4, Gen.Elements(Values)),
            (1, ArbMap.Default.ArbFor<string>().Generator.Select(s => s ?? "")));
        Prop.ForAll(Gen.ArrayOf(word).Select(a => a.Take(8).ToArray()).ToArbitrary(), OptionsTotal).Check(Bounded(4000));
    }
}
