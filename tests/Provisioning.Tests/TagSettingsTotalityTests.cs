using System.Text;
using ContainerTag.Device.Settings;
using FsCheck;
using Tracking.Testing;
using FsCheck.Fluent;

namespace Provisioning.Tests;

/// <summary>
/// The tag's reader of I:\tag.json (the file provisioning writes to flash) turns any bytes into settings or a
/// rejection with a reason; nothing else escapes, and a valid file reads back to what was written. Bounded in
/// count so each property runs in a few seconds.
/// </summary>
public sealed class TagSettingsTotalityTests
{
    private const string Valid =
        "{\"v\":1,\"sample_s\":300,\"report_s\":3600,\"t_lo\":2.0,\"t_hi\":8.0,\"t_delay_s\":600,\"shock_g\":4.0,\"bat_lo\":3.4,"
        + "\"fleet\":\"acme_reefers\",\"container\":\"CSQU3054383\",\"tag\":\"tag-07\",\"allow_non_iso_container\":false,"
        + "\"broker_host\":\"mqtt.acme.test\",\"broker_port\":8883,\"note\":{\"a\":[1,null]}}";

    private static readonly byte[][] Insertions =
        [[0xFF], [0xC0], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], "\\uD800"u8.ToArray(), "\\u0000"u8.ToArray(), " "u8.ToArray(),
         "1e400"u8.ToArray(), "9223372036854775808"u8.ToArray(), "-0"u8.ToArray(), Encoding.ASCII.GetBytes(new string('[', 100)),
         "\""u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(), "\\"u8.ToArray(),
         "\"fleet\":\"x\","u8.ToArray(), "\"broker_host\":\"a b\","u8.ToArray(), "\"broker_port\":0,"u8.ToArray(), "-"u8.ToArray(), "."u8.ToArray()];

    private static Config Bounded(int count) => Config.QuickThrowOnFailure.WithMaxTest(count);

    private static byte[] Mutate(byte[] input, IEnumerable<(int Kind, int Pos, int Byte, int Insertion)> ops) =>
        ByteMutations.Apply(input, ops, Insertions);

    private static Gen<byte[]> Mutations =>
        Gen.ListOf(ByteMutations.Edit(Insertions.Length, 10_000))
            .Where(l => l.Count is > 0 and < 8)
            .Select(ops => Mutate(Encoding.UTF8.GetBytes(Valid), ops));

    /// <summary>Settings whose every field is one the tag can run on, or no settings and a reason.</summary>
    private static bool Total(byte[] bytes)
    {
        var reader = new TagSettingsReader();
        TagSettings s = reader.Read(bytes, bytes.Length);
        if (s is null) return !string.IsNullOrEmpty(reader.Error);
        return reader.Error is null && s.Config.Validate() is null && s.BrokerPort is >= 1 and <= 65535
            && s.BrokerHost.Length is >= 1 and <= 253 && s.BrokerHost.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')
            && s.Fleet is not null && s.Container is not null && s.Tag is not null;
    }

    [Fact]
    public void Settings_files_of_random_bytes_are_settings_or_a_rejection()
    {
        Gen<byte[]> bytes = Gen.Frequency(
            (3, ArbMap.Default.ArbFor<byte[]>().Generator),
            (3, Gen.ArrayOf(Gen.Elements("{}[]:,\"\\0123456789-+.eEtrufalsn \u00ff\u00c3\u00ed"u8.ToArray()))),
            (1, Gen.Choose(1, 200).Select(n => Encoding.ASCII.GetBytes(new string('[', n) + new string(']', n)))));
        Prop.ForAll(bytes.ToArbitrary(), Total).Check(Bounded(3000));
    }

    [Fact]
    public void Mutations_of_a_valid_settings_file_are_settings_or_a_rejection()
    {
        var reader = new TagSettingsReader();
        byte[] valid = Encoding.UTF8.GetBytes(Valid);
        TagSettings s = reader.Read(valid, valid.Length);
        Assert.True(s is not null, reader.Error);
        Assert.Equal(("acme_reefers", "CSQU3054383", "tag-07", "mqtt.acme.test", 8883, false, 300),
            (s.Fleet, s.Container, s.Tag, s.BrokerHost, s.BrokerPort, s.AllowNonIsoContainer, s.Config.SampleS));

        Prop.ForAll(Mutations.ToArbitrary(), Total).Check(Bounded(4000));
    }

    [Fact]
    public void Random_text_in_the_identity_and_host_fields_is_settings_or_a_rejection()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), Gen.Elements("fleet", "container", "tag", "broker_host").ToArbitrary(), (text, field) =>
        {
            string escaped = (text ?? "").Replace("\\", "\\\\").Replace("\"", "\\\"");
            string json = System.Text.RegularExpressions.Regex.Replace(Valid, "\"" + field + "\":\"[^\"]*\"", "\"" + field + "\":\"" + escaped + "\"");
            return Total(Encoding.UTF8.GetBytes(json));
        }).Check(Bounded(3000));
    }

    [Theory]
    [InlineData("\"broker_host\":\"mqtt.acme.test\"", "\"broker_host\":\"mqtt.acme.test\",\"broker_host\":\"evil.test\"", "broker_host: duplicate field")]
    [InlineData("\"fleet\":\"acme_reefers\"", "\"fleet\":\"acme_reefers\",\"fleet\":\"other\"", "fleet: duplicate field")]
    [InlineData("\"broker_port\":8883", "\"broker_port\":8883,\"broker_port\":1883", "broker_port: duplicate field")]
    [InlineData("mqtt.acme.test", "mqtt acme", "broker_host: a DNS name or IPv4 address of 1 to 253 characters [A-Za-z0-9.-]")]
    [InlineData("mqtt.acme.test", "mqtt..acme", "broker_host: a DNS name or IPv4 address of 1 to 253 characters [A-Za-z0-9.-]")]
    [InlineData("mqtt.acme.test", "-mqtt.acme", "broker_host: a DNS name or IPv4 address of 1 to 253 characters [A-Za-z0-9.-]")]
    [InlineData("mqtt.acme.test", "mqtt\\u0000acme", "broker_host: a DNS name or IPv4 address of 1 to 253 characters [A-Za-z0-9.-]")]
    public void Repeated_keys_and_hosts_provisioning_would_refuse_are_rejected(string from, string to, string reason)
    {
        // both used to be accepted: the last repeated key won, and any 1..253 chars were taken as a host name
        byte[] json = Encoding.UTF8.GetBytes(Valid.Replace(from, to, StringComparison.Ordinal));
        var reader = new TagSettingsReader();
        Assert.Null(reader.Read(json, json.Length));
        Assert.Equal(reason, reader.Error);
    }
}
