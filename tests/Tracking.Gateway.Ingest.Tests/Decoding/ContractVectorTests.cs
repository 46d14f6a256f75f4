using System.Text;
using ContainerTag.Core.Protocol;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Testing.Contract;

namespace Tracking.Gateway.Ingest.Tests.Decoding;

/// <summary>
/// The gateway's decoding of topics and payloads built from tests/vectors/contract-vectors.json: it accepts and
/// refuses exactly what the tag's Core does, with the reason of the rule.
/// </summary>
public class ContractVectorTests
{
    private const long Arrival = 1_732_600_100_000;
    private const string Container = "CSQU3054383";

    private static readonly Dictionary<string, string> Telemetry = new()
    {
        ["temp"] = "4.21", ["rh"] = "55.2", ["pressure"] = "1013.2", ["peak_g"] = "0.12", ["bat"] = "3.92",
    };

    private static bool Decode(string topic, string payload, bool strict, out Rejection rejection)
    {
        if (!TrackingTopic.TryParse(topic, strict, out TrackingTopic t, out rejection)) return false;
        return new MessageDecoder().TryDecode(t, Encoding.UTF8.GetBytes(payload), Arrival, out rejection);
    }

    private static string TelemetryPayload(string field, string value)
    {
        var v = new Dictionary<string, string>(Telemetry) { [field] = value };
        return $$"""{"v":1,"boot":1,"seq":0,"t0":1732600000000,"bat":{{v["bat"]}},"r":[[0,{{v["temp"]}},{{v["rh"]}},{{v["pressure"]}},{{v["peak_g"]}}]]}""";
    }

    private static string StatusPayload(string field, string value)
    {
        var v = new Dictionary<string, string> { ["bat"] = "3.9", ["rssi"] = "-60", ["life_d"] = "400", [field] = value };
        return $$"""{"v":1,"online":true,"fw":"1.0.0","boot":3,"spool":0,"thinned":0,"bat":{{v["bat"]}},"rssi":{{v["rssi"]}},"life_d":{{v["life_d"]}}}""";
    }

    private static string? Expect(bool ok, Rejection rejection, RejectReason? reason, string? detail = null)
    {
        if (reason is null) return ok ? null : "rejected: " + rejection;
        if (ok) return $"accepted, expected {reason}";
        if (rejection.Reason != reason) return $"rejected as {rejection}, expected {reason}";
        return detail is null || rejection.Detail == detail ? null : $"detail '{rejection.Detail}', expected '{detail}'";
    }

    [Fact]
    public void Container_levels_are_accepted_and_refused_as_Core_says_in_both_modes()
    {
        ContractVectors.AssertAll(ContractVectors.ContainerNumbers, v =>
        {
            string topic = $"tracking/v1/fleet1/{v.Id}/tag7/telemetry";
            foreach ((bool strict, string name) in new[] { (true, v.Error), (false, v.NonIsoError) })
            {
                var error = Enum.Parse<IdError>(name);
                bool ok = Decode(topic, TelemetryPayload("temp", "4.21"), strict, out Rejection rejection);
                string? failure = Expect(ok, rejection, error == IdError.None ? null : RejectReason.BadContainerId, TagIdentity.Describe(error));
                if (failure != null) return $"strict={strict}: {failure}";
            }
            return null;
        });
    }

    [Fact]
    public void Fleet_and_tag_levels_are_accepted_and_refused_as_Core_says()
    {
        ContractVectors.AssertAll(ContractVectors.Ids, v =>
        {
            var error = Enum.Parse<IdError>(v.Error);
            RejectReason? shape = v.TopicReason is null ? null : Enum.Parse<RejectReason>(v.TopicReason);
            foreach ((string topic, RejectReason level) in new[]
            {
                ($"tracking/v1/{v.Id}/{Container}/tag7/status", RejectReason.BadFleetId),
                ($"tracking/v1/fleet1/{Container}/{v.Id}/status", RejectReason.BadTagId),
            })
            {
                bool ok = Decode(topic, """{"v":1,"online":false}""", strict: true, out Rejection rejection);
                string? failure = shape is { } s
                    ? Expect(ok, rejection, s)
                    : Expect(ok, rejection, error == IdError.None ? null : level, TagIdentity.Describe(error));
                if (failure != null) return $"{level}: {failure}";
            }
            return null;
        });
    }

    [Fact]
    public void Range_edges_are_accepted_and_refused_in_telemetry_events_and_status()
    {
        ContractVectors.AssertAll(ContractVectors.Ranges, v =>
        {
            var payloads = new List<(string Kind, string Json)>();
            if (Telemetry.ContainsKey(v.Field)) payloads.Add(("telemetry", TelemetryPayload(v.Field, v.Value)));
            string? evt = v.Field switch
            {
                "temp" => $$"""{"v":1,"boot":3,"seq":1,"ts":1732600000000,"kind":"temp_high","temp_c":{{v.Value}}}""",
                "peak_g" => $$"""{"v":1,"boot":3,"seq":1,"ts":1732600000000,"kind":"shock","g":{{v.Value}}}""",
                "bat" => $$"""{"v":1,"boot":3,"seq":1,"ts":1732600000000,"kind":"battery_low","bat":{{v.Value}}}""",
                _ => null,
            };
            if (evt != null) payloads.Add(("event", evt));
            string? status = v.Field is "rssi" or "life_d" or "bat" ? StatusPayload(v.Field, v.Value) : null;
            if (status != null) payloads.Add(("status", status));
            if (payloads.Count == 0) return "no message carries " + v.Field;
            foreach ((string kind, string json) in payloads)
            {
                bool ok = Decode($"tracking/v1/fleet1/{Container}/tag7/{kind}", json, strict: true, out Rejection rejection);
                string? failure = Expect(ok, rejection, v.Valid ? null : RejectReason.OutOfRange);
                if (failure != null) return $"{kind} {json}: {failure}";
            }
            return null;
        });
    }

    [Fact]
    public void Validating_topics_through_Core_allocates_nothing_per_message()
    {
        // Accepted and refused topics alike: the levels are checked in place and the reasons are constant strings.
        string[] topics =
        [
            $"tracking/v1/fleet1/{Container}/tag7/telemetry",
            "tracking/v1/acme_reefers/MSKU9070323/tag-0042/status",
            "tracking/v1/fleet1/CSQA3054383/tag7/telemetry",
            "tracking/v1/fleet1/CSQU3054384/tag7/event",
            "tracking/v1/fl+eet/CSQU3054383/tag7/telemetry",
            "tracking/v1/fleet1/CSQU3054383/" + new string('t', 65) + "/telemetry",
            "tracking/v1/fleet1/rig-01/tag7/telemetry",
        ];
        int accepted = 0;

        void ParseMany()
        {
            accepted = 0;
            for (int i = 0; i < 2000; i++)
            {
                foreach (string topic in topics)
                {
                    if (TrackingTopic.TryParse(topic, strictContainerIds: (i & 1) == 0, out _, out _)) accepted++;
                }
            }
        }

        ParseMany(); // warm-up: JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        ParseMany();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2 * 2000 + 3 * 1000, accepted); // the two ISO ones always; CSQA, the bad check digit and rig-01 when lenient
        Assert.Equal(0, allocated);
    }
}
