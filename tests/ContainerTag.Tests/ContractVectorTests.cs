using System.Globalization;
using System.Text.Json;
using ContainerTag.Core.Control;
using ContainerTag.Core.Hardware;
using ContainerTag.Core.Protocol;
using ContainerTag.Tests.Fakes;
using Tracking.Testing.Contract;
using Xunit;

namespace ContainerTag.Tests;

/// <summary>Core, the contract's one implementation, against tests/vectors/contract-vectors.json.</summary>
public class ContractVectorTests
{
    [Fact]
    public void Container_numbers_break_exactly_the_rule_of_their_vector()
    {
        ContractVectors.AssertAll(ContractVectors.ContainerNumbers, v =>
        {
            var strict = Enum.Parse<IdError>(v.Error);
            var lenient = Enum.Parse<IdError>(v.NonIsoError);
            // The same level in place inside a longer text, as the gateway checks it inside a topic.
            string topic = "tracking/v1/f/" + v.Id + "/t/telemetry";
            int at = "tracking/v1/f/".Length;
            if (TagIdentity.CheckContainerNumber(v.Id, 0, v.Id.Length) != strict) return $"strict {TagIdentity.CheckContainerNumber(v.Id, 0, v.Id.Length)}";
            if (TagIdentity.CheckContainerNumber(topic, at, v.Id.Length) != strict) return "strict, in place: " + TagIdentity.CheckContainerNumber(topic, at, v.Id.Length);
            if (TagIdentity.CheckContainer(topic, at, v.Id.Length, allowNonIso: false) != strict) return "CheckContainer strict";
            if (TagIdentity.CheckContainer(topic, at, v.Id.Length, allowNonIso: true) != lenient) return "non-ISO " + TagIdentity.CheckContainer(topic, at, v.Id.Length, true);
            if (TagIdentity.IsValidContainer(v.Id) != (strict == IdError.None)) return "IsValidContainer";
            return Boots(v.Id, false, strict) ?? Boots(v.Id, true, lenient);
        });
    }

    /// <summary>The tag at boot: <see cref="TagIdentity"/> refuses the container with the vector's reason.</summary>
    private static string? Boots(string container, bool allowNonIso, IdError expected)
    {
        try
        {
            _ = new TagIdentity("f", container, "t", allowNonIso);
            return expected == IdError.None ? null : $"tag booted with allowNonIso={allowNonIso}, expected {expected}";
        }
        catch (ArgumentException e)
        {
            return expected != IdError.None && e.Message == "container id: " + TagIdentity.Describe(expected)
                ? null
                : $"allowNonIso={allowNonIso}: {e.Message}, expected {expected}";
        }
    }

    [Fact]
    public void Fleet_and_tag_ids_break_exactly_the_rule_of_their_vector()
    {
        ContractVectors.AssertAll(ContractVectors.Ids, v =>
        {
            var expected = Enum.Parse<IdError>(v.Error);
            string text = "<<" + v.Id + ">>";
            if (TagIdentity.CheckId(v.Id) != expected) return "CheckId " + TagIdentity.CheckId(v.Id);
            if (TagIdentity.CheckId(text, 2, v.Id.Length) != expected) return "in place " + TagIdentity.CheckId(text, 2, v.Id.Length);
            if (TagIdentity.IsValidId(v.Id) != (expected == IdError.None)) return "IsValidId";
            foreach (bool asFleet in new[] { true, false })
            {
                try
                {
                    _ = asFleet ? new TagIdentity(v.Id, "CSQU3054383", "t", false) : new TagIdentity("f", "CSQU3054383", v.Id, false);
                    if (expected != IdError.None) return $"booted as {(asFleet ? "fleet" : "tag")}";
                }
                catch (ArgumentException e)
                {
                    string want = (asFleet ? "fleet id: " : "tag id: ") + TagIdentity.Describe(expected);
                    if (e.Message != want) return e.Message;
                }
            }
            return null;
        });
    }

    [Fact]
    public void Every_rule_has_its_own_description()
    {
        var texts = Enum.GetValues<IdError>().Select(TagIdentity.Describe).ToList();
        Assert.Equal(texts.Count, texts.Distinct().Count());
        Assert.DoesNotContain("invalid", texts);
        Assert.Contains("U, J or Z", TagIdentity.Describe(IdError.BadCategory));
    }

    [Fact]
    public void The_tag_sends_what_each_range_vector_says_for_a_sensor_reading_that_value()
    {
        ContractVectors.AssertAll(ContractVectors.Ranges.Where(v => v.TagSends != null), v =>
        {
            var rig = new TagRig();
            double value = double.Parse(v.Value, CultureInfo.InvariantCulture);
            int index;
            switch (v.Field)
            {
                case "temp": rig.Env.Temperature = value; index = 1; break;
                case "rh": rig.Env.Humidity = value; index = 2; break;
                case "pressure": rig.Env.Pressure = value; index = 3; break;
                case "peak_g": rig.Accel.NextPeak = value; index = 4; break;
                case "bat": rig.Power.BatteryVolts = value; index = -1; break;
                default: return "no sensor for " + v.Field;
            }
            rig.Wake(WakeCause.PowerOn);
            var telemetry = rig.Uplink.On("/telemetry").Single();
            JsonElement root = JsonDocument.Parse(telemetry.Payload).RootElement;
            JsonElement sent = index < 0 ? root.GetProperty("bat") : root.GetProperty("r")[0][index];
            return SameNumber(sent, JsonDocument.Parse(v.TagSends!).RootElement) ? null : $"tag sent {sent.GetRawText()}, expected {v.TagSends}";
        });
    }

    private static bool SameNumber(JsonElement a, JsonElement b) =>
        a.ValueKind == b.ValueKind && (a.ValueKind == JsonValueKind.Null || a.GetDouble() == b.GetDouble());
}
