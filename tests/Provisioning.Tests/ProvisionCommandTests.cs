using System.Text;
using System.Text.Json;
using ContainerTag.Core.Protocol;
using ContainerTag.Device.Settings;
using Tracking.Provisioning;

namespace Provisioning.Tests;

public sealed class ProvisionCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("provision-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record Result(int Code, string Out, string Err);

    private Result Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = ProvisionCommand.Run(args, stdout, stderr, _dir);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    private static string[] Args(string password = "correct-horse-42", params string[] extra) =>
    [
        "--fleet", "acme_reefers", "--container", "CSQU3054383", "--tag", "tag-07", "--ssid", "Yard WiFi",
        "--password", password, "--broker", "mqtt.acme.test:8883", .. extra,
    ];

    private string OutDir => Path.Combine(_dir, ".local", "provision", "acme_reefers", "CSQU3054383-tag-07");

    [Fact]
    public void Device_reader_parses_the_written_tag_json()
    {
        Result r = Run(Args(extra: ["--sample-s", "120", "--report-s", "1800", "--t-lo", "-2.5", "--t-hi", "4.25",
            "--t-delay-s", "900", "--shock-g", "6.5", "--bat-lo", "3.3"]));
        Assert.Equal(0, r.Code);

        byte[] json = File.ReadAllBytes(Path.Combine(OutDir, "tag.json"));
        var reader = new TagSettingsReader();
        TagSettings s = reader.Read(json, json.Length);
        Assert.True(s != null, reader.Error);
        Assert.Equal("acme_reefers", s.Fleet);
        Assert.Equal("CSQU3054383", s.Container);
        Assert.Equal("tag-07", s.Tag);
        Assert.False(s.AllowNonIsoContainer);
        Assert.Equal("mqtt.acme.test", s.BrokerHost);
        Assert.Equal(8883, s.BrokerPort);
        Assert.Equal(120, s.Config.SampleS);
        Assert.Equal(1800, s.Config.ReportS);
        Assert.Equal(-2.5, s.Config.TempLowC);
        Assert.Equal(4.25, s.Config.TempHighC);
        Assert.Equal(900, s.Config.TempDelayS);
        Assert.Equal(6.5, s.Config.ShockG);
        Assert.Equal(3.3, s.Config.BatteryLowV);
        // Nothing but the contract's config, the identity and the broker: no Wi-Fi secret in the flash file.
        Assert.DoesNotContain("correct-horse-42", Encoding.UTF8.GetString(json));
    }

    [Fact]
    public void Defaults_are_the_contract_defaults_and_port_1883()
    {
        Result r = Run("--fleet", "f", "--container", "CSQU3054383", "--tag", "t", "--ssid", "s",
            "--password", "12345678", "--broker", "broker.local");
        Assert.Equal(0, r.Code);
        byte[] json = File.ReadAllBytes(Path.Combine(_dir, ".local", "provision", "f", "CSQU3054383-t", "tag.json"));
        TagSettings s = new TagSettingsReader().Read(json, json.Length);
        Assert.Equal(1883, s.BrokerPort);
        Assert.True(s.Config.SameAs(new TagConfig()));
    }

    [Fact]
    public void Non_iso_container_needs_the_flag_and_the_device_reader_accepts_it()
    {
        Assert.Equal(2, Run("--fleet", "f", "--container", "TRAILER-9", "--tag", "t", "--ssid", "s",
            "--password", "12345678", "--broker", "b").Code);
        Result r = Run("--fleet", "f", "--container", "TRAILER-9", "--tag", "t", "--ssid", "s",
            "--password", "12345678", "--broker", "b", "--allow-non-iso-container");
        Assert.Equal(0, r.Code);
        byte[] json = File.ReadAllBytes(Path.Combine(_dir, ".local", "provision", "f", "TRAILER-9-t", "tag.json"));
        var reader = new TagSettingsReader();
        TagSettings s = reader.Read(json, json.Length);
        Assert.True(s != null, reader.Error);
        Assert.True(s.AllowNonIsoContainer);
    }

    [Fact]
    public void Deploy_json_points_nanoff_at_the_absolute_tag_json()
    {
        Result r = Run(Args(extra: ["--serial", "/dev/ttyACM3"]));
        Assert.Equal(0, r.Code);
        using JsonDocument d = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OutDir, "deploy.json")));
        Assert.Equal("/dev/ttyACM3", d.RootElement.GetProperty("SerialPort").GetString());
        JsonElement file = Assert.Single(d.RootElement.GetProperty("Files").EnumerateArray().ToList());
        Assert.Equal("I:\\tag.json", file.GetProperty("DestinationFilePath").GetString());
        string source = file.GetProperty("SourceFilePath").GetString()!;
        Assert.True(Path.IsPathFullyQualified(source));
        Assert.Equal(Path.Combine(OutDir, "tag.json"), source);
    }

    [Fact]
    public void Relative_out_is_made_absolute_in_deploy_json()
    {
        string cwd = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(_dir);
        try
        {
            Assert.Equal(0, Run(Args(extra: ["--out", "rel/out"])).Code);
        }
        finally
        {
            Directory.SetCurrentDirectory(cwd);
        }
        string outDir = Path.Combine(_dir, "rel", "out");
        using JsonDocument d = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outDir, "deploy.json")));
        Assert.Equal(Path.Combine(outDir, "tag.json"),
            d.RootElement.GetProperty("Files")[0].GetProperty("SourceFilePath").GetString());
    }

    [Fact]
    public void Wifi_json_holds_the_credentials_with_mode_0600_and_the_password_is_never_printed()
    {
        const string password = "s3cret \"quoted\" + & pass";
        Result r = Run(Args(password: password));
        Assert.Equal(0, r.Code);
        string wifi = Path.Combine(OutDir, "wifi.json");
        using JsonDocument d = JsonDocument.Parse(File.ReadAllBytes(wifi));
        JsonElement client = d.RootElement.GetProperty("WirelessClient");
        Assert.Equal("Yard WiFi", client.GetProperty("SSID").GetString());
        Assert.Equal(password, client.GetProperty("Password").GetString());
        // Enable without AutoConnect, so the stored profile does not bring the radio up at every wake.
        Assert.Equal("Enable", client.GetProperty("ConfigurationOption").GetString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(wifi));
        }
        Assert.DoesNotContain("s3cret", r.Out + r.Err);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Rerun_over_a_world_readable_wifi_json_makes_it_0600_again()
    {
        Assert.Equal(0, Run(Args()).Code);
        string wifi = Path.Combine(OutDir, "wifi.json");
        File.SetUnixFileMode(wifi, (UnixFileMode)0b110_100_100);
        Assert.Equal(0, Run(Args(password: "another-one-99")).Code);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(wifi));
        Assert.Contains("another-one-99", File.ReadAllText(wifi));
        Assert.Empty(Directory.GetFiles(OutDir, "*.tmp-*"));
    }

    [Fact]
    public void Prints_the_four_nanoff_commands_settings_before_the_app()
    {
        Result r = Run(Args(extra: ["--serial", "/dev/ttyUSB1", "--target", "ESP32_REV3", "--image", "/opt/fw/ContainerTag.bin"]));
        Assert.Equal(0, r.Code);
        string[] nanoff = r.Out.Split('\n').Where(l => l.StartsWith("nanoff ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
        [
            "nanoff --target ESP32_REV3 --serialport /dev/ttyUSB1 --update",
            $"nanoff --serialport /dev/ttyUSB1 --filedeployment {Path.Combine(OutDir, "deploy.json")}",
            $"nanoff --serialport /dev/ttyUSB1 --networkdeployment {Path.Combine(OutDir, "wifi.json")}",
            // last: the app deep-sleeps once it runs, and a sleeping ESP32 takes no more deployments
            "nanoff --target ESP32_REV3 --serialport /dev/ttyUSB1 --deploy --image /opt/fw/ContainerTag.bin",
        ], nanoff);
        Assert.Contains("mosquitto_sub -h mqtt.acme.test -p 8883 -t 'tracking/v1/acme_reefers/CSQU3054383/#' -v", r.Out);
    }

    [Fact]
    public void Paths_with_spaces_are_quoted_for_the_shell()
    {
        Result r = Run(Args(extra: ["--out", Path.Combine(_dir, "my tags")]));
        Assert.Equal(0, r.Code);
        Assert.Contains($"--filedeployment '{Path.Combine(_dir, "my tags", "deploy.json")}'", r.Out);
    }

    [Theory]
    [InlineData("--container", "CSQU3054384", "--container", "check digit of CSQU305438 is 3")]
    [InlineData("--container", "csqu3054383", "--container", "ISO 6346")]
    [InlineData("--fleet", "acme/reefers", "--fleet", "[A-Za-z0-9_-]")]
    [InlineData("--fleet", "acme+", "--fleet", "[A-Za-z0-9_-]")]
    [InlineData("--tag", "t#1", "--tag", "[A-Za-z0-9_-]")]
    [InlineData("--sample-s", "9", "--sample-s", "sample_s: out of range 10..86400")]
    [InlineData("--sample-s", "86401", "--sample-s", "sample_s: out of range 10..86400")]
    [InlineData("--sample-s", "1.5", "--sample-s", "expected an integer")]
    [InlineData("--report-s", "200", "--report-s", "report_s: out of range sample_s..604800")]
    [InlineData("--t-hi", "1", "--t-hi", "t_hi: must be greater than t_lo")]
    [InlineData("--t-lo", "-41", "--t-lo", "t_lo: out of range -40..85")]
    [InlineData("--shock-g", "0.4", "--shock-g", "shock_g: out of range 0.5..27.7")]
    [InlineData("--bat-lo", "abc", "--bat-lo", "expected a number")]
    [InlineData("--broker", "host:0", "--broker", "PORT an integer 1..65535")]
    [InlineData("--broker", "bad host:1883", "--broker", "DNS name or IPv4")]
    [InlineData("--ssid", "123456789012345678901234567890123", "--ssid", "at most 32 bytes")]
    public void Bad_values_exit_2_naming_the_field_and_the_rule(string option, string value, string field, string rule)
    {
        string[] args = Args();
        int at = Array.IndexOf(args, option);
        args = at >= 0 ? args.Select((a, i) => i == at + 1 ? value : a).ToArray() : [.. args, option, value];
        Result r = Run(args);
        Assert.Equal(2, r.Code);
        Assert.StartsWith($"error: {field}: ", r.Err);
        Assert.Contains(rule, r.Err);
        Assert.False(Directory.Exists(OutDir), "nothing is written for a bad command line");
    }

    [Theory]
    [InlineData("short")]
    [InlineData("tab\tinside-password")]
    public void Bad_password_is_rejected_without_echoing_it(string password)
    {
        Result r = Run(Args(password: password));
        Assert.Equal(2, r.Code);
        Assert.StartsWith("error: --password: WPA2 passphrase of 8 to 63", r.Err);
        Assert.DoesNotContain(password, r.Out + r.Err);
    }

    [Fact]
    public void Password_file_is_read_without_its_newline()
    {
        string file = Path.Combine(_dir, "pw");
        File.WriteAllText(file, "from-a-file-123\n");
        string[] args = Args().Select(a => a == "--password" ? "--password-file" : a == "correct-horse-42" ? file : a).ToArray();
        Result r = Run(args);
        Assert.Equal(0, r.Code);
        using JsonDocument d = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OutDir, "wifi.json")));
        Assert.Equal("from-a-file-123", d.RootElement.GetProperty("WirelessClient").GetProperty("Password").GetString());
        Assert.DoesNotContain("from-a-file-123", r.Out + r.Err);
    }

    [Fact]
    public void Missing_and_valueless_options_are_named()
    {
        Result missing = Run("--fleet", "f", "--container", "CSQU3054383", "--tag", "t", "--ssid", "s", "--broker", "b");
        Assert.Equal(2, missing.Code);
        Assert.StartsWith("error: --password: give exactly one of", missing.Err);

        // "--password" followed by another option: the option is not taken as the password.
        Result valueless = Run("--fleet", "f", "--container", "CSQU3054383", "--tag", "t", "--ssid", "s",
            "--password", "--broker", "b");
        Assert.Equal(2, valueless.Code);
        Assert.StartsWith("error: --password: needs a value", valueless.Err);

        Result unknown = Run([.. Args(), "--sample", "300"]);
        Assert.Equal(2, unknown.Code);
        Assert.StartsWith("error: --sample: unknown option", unknown.Err);
    }
}
