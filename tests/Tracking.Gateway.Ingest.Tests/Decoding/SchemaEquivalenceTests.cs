using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Testing;
using Tracking.Testing.Schema;

namespace Tracking.Gateway.Ingest.Tests.Decoding;

/// <summary>
/// The gateway accepts a payload exactly when docs/schema accepts it and the few rules of docs/protocol.md that a
/// schema cannot express hold (payload size, first offset 0 and strictly increasing offsets, the last reading's seq
/// in 32 bits, no duplicate field). The corpus: every example of protocol.md, and those examples with each field
/// removed, replaced by values at and beyond every range edge of section 5, by wrong types, and with unknown fields.
/// </summary>
public partial class SchemaEquivalenceTests
{
    private const long Arrival = 1_732_600_100_000;
    private static readonly SubsetSchemaValidator Schema = new(RepoPaths.Of("docs", "schema"));

    private static readonly (MessageKind Kind, string Schema, string Topic)[] Streams =
    [
        (MessageKind.Telemetry, "telemetry.schema.json", "tracking/v1/fleet1/CSQU3054383/tag7/telemetry"),
        (MessageKind.Event, "event.schema.json", "tracking/v1/fleet1/CSQU3054383/tag7/event"),
        (MessageKind.Status, "status.schema.json", "tracking/v1/fleet1/CSQU3054383/tag7/status"),
    ];

    /// <summary>Range edges of section 5 and 4.3 (each, and just beyond), wrong types, and other shapes.</summary>
    private static readonly JsonNode?[] Values =
    [
        null, true, false, "x", "1", "1.0.0", "1.0 beta", new string('e', 120), new string('e', 121), new JsonArray(), new JsonObject(),
        0, -1, 1, 1.5, 3.0, 5, 5.01, 9, 10, 27.72, 27.73, 85, 85.01, -40, -40.01, 100, 100.1, 299.9, 300, 1100, 1100.1,
        -127, -128, 36500, 36501, 604800, 604801, 2147483647, 2147483648L, 4294967295L, 4294967296L,
        315360000000L, 315360000001L, 253402300799999L, 9223372036854L, 9223372036855L,
    ];

    private static readonly string[] ExtraBases =
    [
        """{"v":1,"boot":0,"seq":4294967290,"a0":1000,"t_est":true,"bat":null,"r":[[0,null,null,null,null],[1,-40,0,300,0],[2147483647,85,100,1100,27.72]]}""",
        """{"v":1,"boot":3,"seq":0,"a0":5,"t_est":false,"kind":"temp_high","temp_c":9.3}""",
        """{"v":1,"boot":3,"seq":1,"ts":1732600000000,"kind":"temp_low","temp_c":-1}""",
        """{"v":1,"boot":3,"seq":2,"ts":1732600000000,"kind":"battery_low","bat":3.3}""",
        """{"v":1,"online":true,"fw":"1.0.0+a_b-c","boot":3,"bat":null,"rssi":null,"spool":0,"thinned":0,"life_d":-1,"report_s":3600,"wakes":5,"radio_ms":1200,"ev_drop":0,"cfg_err":"t_lo >= t_hi"}""",
        """{"v":1,"online":true,"fw":"1.0.0","boot":3,"bat":3.9,"rssi":-60,"spool":0,"thinned":0,"life_d":200,"sensor_err":"bme280: absent"}""",
    ];

    [Fact]
    public void Every_example_of_protocol_md_validates_and_is_accepted()
    {
        int matched = 0;
        foreach (string json in DocExamples())
        {
            foreach (var (kind, schema, topic) in Streams)
            {
                if (Schema.Validate(schema, json).Count != 0) continue;
                matched++;
                Assert.True(GatewayAccepts(topic, json, out string why), $"{kind} example refused: {why}\n{json}");
            }
        }

        Assert.True(matched >= 4, $"expected the telemetry, event, status and will examples, matched {matched}");
    }

    [Fact]
    public void Gateway_accepts_exactly_what_the_schema_and_the_unexpressible_rules_accept()
    {
        var mismatches = new List<string>();
        int accepted = 0, refused = 0;
        foreach (var (kind, schema, topic) in Streams)
        {
            foreach (string payload in Corpus(kind))
            {
                bool expected = Schema.Validate(schema, payload).Count == 0 && UnexpressibleRulesHold(payload);
                bool actual = GatewayAccepts(topic, payload, out string why);
                if (expected != actual) mismatches.Add($"{kind}: schema+rules {(expected ? "accept" : "refuse")}, gateway {(actual ? "accepts" : "refuses: " + why)}: {payload}");
                if (expected) accepted++; else refused++;
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(30)) + $"\n({mismatches.Count} mismatches)");
        // The corpus must exercise both sides, or the equivalence says little.
        Assert.True(accepted > 150 && refused > 500, $"{accepted} accepted, {refused} refused");
    }

    private static bool GatewayAccepts(string topic, string payload, out string why)
    {
        Assert.True(TrackingTopic.TryParse(topic, true, out var t, out _));
        bool ok = new MessageDecoder().TryDecode(t, Encoding.UTF8.GetBytes(payload), Arrival, out var rejection);
        why = rejection.ToString();
        return ok;
    }

    /// <summary>Section 1 and 4.1 rules that JSON Schema cannot state; a second implementation, kept deliberately plain.</summary>
    private static bool UnexpressibleRulesHold(string payload)
    {
        if (Encoding.UTF8.GetByteCount(payload) > 4096) return false;
        JsonNode root = JsonNode.Parse(payload)!;
        if (root is not JsonObject o || o["r"] is not JsonArray r || r.Count == 0) return true;
        long previous = -1;
        long t0 = o["t0"] is JsonValue tv && tv.TryGetValue(out long t) ? t : 0;
        for (int i = 0; i < r.Count; i++)
        {
            if (r[i] is not JsonArray reading || reading.Count == 0 || reading[0] is not JsonValue v || !v.TryGetValue(out decimal offset)) return true;
            if (i == 0 ? offset != 0 : offset <= previous) return false;
            previous = (long)Math.Min(offset, long.MaxValue);
        }

        // Section 5: t0 + offset is a time too, so it must stay within the storable range.
        if (t0 + previous > 9223372036854L && previous <= int.MaxValue) return false;

        return !(o["seq"] is JsonValue s && s.TryGetValue(out decimal seq) && seq + r.Count - 1 > uint.MaxValue);
    }

    private static IEnumerable<string> Corpus(MessageKind kind)
    {
        foreach (string baseJson in Bases(kind))
        {
            yield return baseJson;
            var root = JsonNode.Parse(baseJson)!.AsObject();
            foreach (string field in root.Select(p => p.Key).Append("unknown_field").Append("t_est").Append("a0").Append("ts").Append("t0").Distinct())
            {
                if (root.ContainsKey(field))
                {
                    var without = root.DeepClone().AsObject();
                    without.Remove(field);
                    yield return without.ToJsonString();
                }

                foreach (JsonNode? value in Values)
                {
                    var changed = root.DeepClone().AsObject();
                    changed[field] = value?.DeepClone();
                    yield return changed.ToJsonString();
                }
            }

            if (kind == MessageKind.Event)
            {
                foreach (string k in new[] { "shock", "temp_high", "temp_low", "battery_low", "fire", "" })
                {
                    var changed = root.DeepClone().AsObject();
                    changed["kind"] = k;
                    yield return changed.ToJsonString();
                }
            }

            if (root["r"] is JsonArray readings)
            {
                foreach (string r in ReadingMutations(readings)) yield return SetR(root, r);
            }
        }
    }

    private static IEnumerable<string> ReadingMutations(JsonArray readings)
    {
        yield return "[]";
        yield return "[[0,1,1,1000,0]]";
        yield return "[" + string.Join(",", Enumerable.Range(0, 64).Select(i => $"[{i * 1000},1,1,1000,0]")) + "]";
        yield return "[" + string.Join(",", Enumerable.Range(0, 65).Select(i => $"[{i * 1000},1,1,1000,0]")) + "]";
        yield return "[" + string.Join(",", Enumerable.Range(0, 64).Select(i => $"[{i * 33554431L},-39.99,99.9,1099.9,27.72]")) + "]";
        yield return "[[0,1,1,1000]]";
        yield return "[[0,1,1,1000,0,0]]";
        yield return "[0]";
        yield return "[[0,1,1,1000,0],[0,1,1,1000,0]]";
        yield return "[[5,1,1,1000,0]]";
        yield return "[[0,1,1,1000,0],[7,1,1,1000,0],[6,1,1,1000,0]]";
        // Every element of the last reading through every value.
        int last = readings.Count - 1;
        for (int element = 0; element < 5; element++)
        {
            foreach (JsonNode? value in Values)
            {
                var copy = readings.DeepClone().AsArray();
                copy[last]![element] = value?.DeepClone();
                yield return copy.ToJsonString();
            }
        }
    }

    private static string SetR(JsonObject root, string r)
    {
        var changed = root.DeepClone().AsObject();
        changed["r"] = JsonNode.Parse(r);
        return changed.ToJsonString();
    }

    private static IEnumerable<string> Bases(MessageKind kind) =>
        DocExamples().Concat(ExtraBases).Where(json => Streams.Single(s => s.Kind == kind).Schema is string schema
            && Schema.Validate(schema, json).Count == 0 && UnexpressibleRulesHold(json));

    /// <summary>The JSON objects of protocol.md: its json code blocks and inline `{"v":1,...}` snippets (the will).</summary>
    private static IEnumerable<string> DocExamples()
    {
        string doc = File.ReadAllText(RepoPaths.Of("docs", "protocol.md"));
        foreach (Match m in CodeBlock().Matches(doc)) yield return m.Groups[1].Value.Trim();
        foreach (Match m in InlineJson().Matches(doc))
        {
            string text = m.Groups[1].Value;
            if (IsJsonObject(text)) yield return text;
        }
    }

    private static bool IsJsonObject(string text)
    {
        try { return JsonNode.Parse(text) is JsonObject; }
        catch (JsonException) { return false; }
    }

    [GeneratedRegex(@"```json\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`(\{""v"":1[^`]*\})`")]
    private static partial Regex InlineJson();
}
