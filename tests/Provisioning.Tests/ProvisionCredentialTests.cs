using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ContainerTag.Device.Settings;
using Tracking.Provisioning;
using Tracking.Testing;

namespace Provisioning.Tests;

/// <summary>
/// scripts/provision creates the tag's MQTT credential: in tag.json (mode 0600), registered through deploy/broker-config
/// when asked, and never printed.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and the deploy scripts are POSIX
public sealed class ProvisionCredentialTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("provision-cred-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = ProvisionCommand.Run(args, stdout, stderr, _dir);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string[] Args(string tag, params string[] extra) =>
    [
        "--fleet", "acme", "--container", "CSQU3054383", "--tag", tag, "--ssid", "Yard", "--password", "wifi-pass-123",
        "--broker", "mqtt.acme.test:8883", .. extra,
    ];

    private string TagJson(string tag) => Path.Combine(_dir, ".local", "provision", "acme", "CSQU3054383-" + tag, "tag.json");

    private (string User, string Password) Credential(string tag)
    {
        using JsonDocument d = JsonDocument.Parse(File.ReadAllBytes(TagJson(tag)));
        return (d.RootElement.GetProperty("mqtt_user").GetString()!, d.RootElement.GetProperty("mqtt_password").GetString()!);
    }

    [Fact]
    public void Tag_json_holds_a_random_credential_in_a_private_file_that_the_device_reader_still_takes_and_nothing_prints_it()
    {
        var r1 = Run(Args("tag-1"));
        var r2 = Run(Args("tag-2"));
        Assert.Equal((0, 0), (r1.Code, r2.Code));

        var (user, password) = Credential("tag-1");
        Assert.Equal("acme/CSQU3054383/tag-1", user);
        Assert.Equal(32, password.Length); // 24 random bytes, base64url
        Assert.Matches("^[A-Za-z0-9_-]+$", password);
        Assert.NotEqual(password, Credential("tag-2").Password);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(TagJson("tag-1")));
        Assert.DoesNotContain(password, r1.Out + r1.Err, StringComparison.Ordinal);
        Assert.Contains("MQTT user acme/CSQU3054383/tag-1", r1.Out, StringComparison.Ordinal);

        byte[] json = File.ReadAllBytes(TagJson("tag-1"));
        var reader = new TagSettingsReader();
        TagSettings settings = reader.Read(json, json.Length);
        Assert.True(settings != null, reader.Error);
        Assert.Equal((user, password), (settings.MqttUser, settings.MqttPassword)); // what the device connects with
    }

    [Theory]
    [InlineData("\"mqtt_password\":\"pw-1234567890\"", "mqtt_password needs mqtt_user")]
    [InlineData("\"mqtt_user\":\"\"", "mqtt_user: expected a non-empty string")]
    [InlineData("\"mqtt_user\":7", "mqtt_user: expected a non-empty string")]
    [InlineData("\"mqtt_user\":\"a/b/c\",\"mqtt_user\":\"a/b/d\"", "mqtt_user: duplicate field")]
    public void The_device_reader_refuses_a_broken_credential(string fields, string error)
    {
        byte[] json = Encoding.UTF8.GetBytes(
            "{\"v\":1,\"sample_s\":300,\"report_s\":3600,\"t_lo\":2.0,\"t_hi\":8.0,\"t_delay_s\":600,\"shock_g\":4.0,\"bat_lo\":3.4," +
            "\"fleet\":\"f\",\"container\":\"CSQU3054383\",\"tag\":\"t\",\"broker_host\":\"b\",\"broker_port\":8883," + fields + "}");
        var reader = new TagSettingsReader();
        Assert.Null(reader.Read(json, json.Length));
        Assert.Contains(error, reader.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rerun_keeps_the_password_so_a_flashed_tag_is_not_locked_out()
    {
        Assert.Equal(0, Run(Args("tag-1")).Code);
        string before = Credential("tag-1").Password;
        Assert.Equal(0, Run(Args("tag-1", "--report-s", "1800")).Code);
        Assert.Equal(before, Credential("tag-1").Password);
    }

    [Fact]
    public void Broker_config_registers_the_credential_through_deploy_broker_config_and_the_hash_verifies()
    {
        string broker = Path.Combine(_dir, "broker");
        RunScript("init", broker, "--tls-port", "18998");
        var r = Run(Args("tag-1", "--broker-config", broker));
        Assert.True(r.Code == 0, r.Err);
        var (user, password) = Credential("tag-1");
        Assert.DoesNotContain(password, r.Out + r.Err, StringComparison.Ordinal);

        string line = Assert.Single(File.ReadAllLines(Path.Combine(broker, "passwd")), l => l.Length > 0);
        Assert.StartsWith(user + ":", line, StringComparison.Ordinal);
        // mosquitto 2.0's hash: $7$iterations$salt$PBKDF2-HMAC-SHA512(password, salt), both base64.
        string[] parts = line[(user.Length + 1)..].Split('$');
        Assert.Equal(["", "7", "101"], parts[..3]);
        byte[] salt = Convert.FromBase64String(parts[3]), hash = Convert.FromBase64String(parts[4]);
        Assert.Equal(hash, Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, 101, HashAlgorithmName.SHA512, hash.Length));
    }

    [Fact]
    public void A_broker_config_that_is_not_one_fails_with_exit_1_and_says_why()
    {
        var r = Run(Args("tag-1", "--broker-config", Path.Combine(_dir, "nowhere")));
        Assert.Equal(1, r.Code);
        Assert.Contains("holds no broker configuration", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(Credential("tag-1").Password, r.Out + r.Err, StringComparison.Ordinal);
    }

    private static void RunScript(params string[] args)
    {
        var info = new ProcessStartInfo(RepoPaths.Of("deploy", "broker-config")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        using Process p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }
}
