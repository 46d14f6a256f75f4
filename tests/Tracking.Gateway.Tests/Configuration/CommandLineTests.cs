using System.Diagnostics;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.Configuration;

/// <summary>
/// The gateway binary as an operator runs it (a child process, so environment variables stay out of this process
/// and the other tests): --help, precedence of flags over TRACKING_ variables over settings files, every flag bound,
/// and invalid values ending with one clear line and exit code 2.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "cfg-" + Guid.NewGuid().ToString("N"));

    public CommandLineTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Exit, string Out, string Err)> RunAsync(IDictionary<string, string>? env, params string[] args) =>
        GatewayProcess.RunAsync(env, args);

    private static Dictionary<string, string> Settings(string printed) =>
        printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public async Task Help_exits_0_and_lists_every_flag()
    {
        var (exit, stdout, _) = await RunAsync(null, "--help");
        Assert.Equal(0, exit);
        foreach (var (flag, key, _) in CommandLine.Flags)
        {
            Assert.Contains(flag + " <value>", stdout);
            Assert.Contains($"TRACKING_{key.Replace(":", "__").ToUpperInvariant()}", stdout);
        }

        Assert.Contains("--config <file>", stdout);
        Assert.Contains("--print-config", stdout);
    }

    [Fact]
    public async Task Flags_win_over_TRACKING_variables_which_win_over_settings_files()
    {
        string file = Path.Combine(_dir, "gateway.json");
        await File.WriteAllTextAsync(file, """
            { "Mqtt": { "ClientId": "from-file", "SharedGroup": "from-file" }, "Spool": { "Directory": "/from/file" } }
            """);
        var env = new Dictionary<string, string> { ["TRACKING_MQTT__CLIENTID"] = "from-env", ["TRACKING_MQTT__SHAREDGROUP"] = "from-env" };
        var (exit, stdout, stderr) = await RunAsync(env, "--print-config", "--config", file, "--mqtt-client-id", "from-flag");
        Assert.True(exit == 0, stderr);
        var settings = Settings(stdout);
        Assert.Equal("from-flag", settings["Mqtt:ClientId"]);      // flag > env > file
        Assert.Equal("from-env", settings["Mqtt:SharedGroup"]);    // env > file
        Assert.Equal("/from/file", settings["Spool:Directory"]);   // file > appsettings.json
        Assert.Equal("tracking", settings["Influx:Database"]);     // appsettings.json shipped with the gateway
        Assert.Equal("mqtt://127.0.0.1:1883", settings["Mqtt:Url"]);
    }

    [Fact]
    public async Task Every_flag_sets_its_key()
    {
        // File flags name real files: the gateway reads secrets and certificates while it validates the settings.
        using var certificates = TestCertificates.Create("localhost");
        string Secret(string name)
        {
            string path = Path.Combine(_dir, name);
            // Long enough for an API token too (at least 16 characters).
            File.WriteAllText(path, "s3cret-0123456789\n");
            return path;
        }

        var values = new Dictionary<string, string>
        {
            ["--mqtt-url"] = "mqtts://localhost:1999", ["--influx-url"] = "http://127.0.0.1:8999", ["--influx-version"] = "2",
            ["--spool-max-bytes"] = "99999999", ["--http-url"] = "http://127.0.0.1:8998", ["--stats-interval"] = "00:00:03",
            ["--influx-compression"] = "gzip", ["--mqtt-password-file"] = Secret("mqtt-password"),
            ["--influx-password-file"] = Secret("influx-password"), ["--influx-token-file"] = Secret("influx-token"),
            ["--mqtt-ca-file"] = certificates.CaFile, ["--mqtt-cert-file"] = certificates.ClientCertFile,
            ["--mqtt-key-file"] = certificates.ClientKeyFile, ["--mqtt-max-packet-bytes"] = "100000",
            ["--strict-container-ids"] = "false", ["--api-token-file"] = Secret("api-tokens"),
        };
        var args = new List<string> { "--print-config" };
        foreach (var (flag, _, _) in CommandLine.Flags) args.AddRange([flag, values.GetValueOrDefault(flag, "v" + flag.Replace("-", ""))]);
        var (exit, stdout, stderr) = await RunAsync(null, [.. args]);
        Assert.True(exit == 0, stderr);
        var settings = Settings(stdout);
        foreach (var (flag, key, _) in CommandLine.Flags)
        {
            Assert.Equal(values.GetValueOrDefault(flag, "v" + flag.Replace("-", "")), settings[key]);
        }

        Assert.DoesNotContain("s3cret", stdout);
    }

    [Theory]
    [InlineData("Mqtt:Url", "--mqtt-url", "http://127.0.0.1:1883")]
    [InlineData("Mqtt:Url", "--mqtt-url", "not a url")]
    [InlineData("--influx-version", "--influx-version", "7")]
    [InlineData("Ingest:StatsInterval", "--stats-interval", "soon")]
    [InlineData("Influx", "--influx-url", "ftp://127.0.0.1")]
    [InlineData("Influx", "--influx-compression", "brotli")]
    [InlineData("Mqtt:MaxPacketBytes", "--mqtt-max-packet-bytes", "4096")]
    [InlineData("StrictContainerIds", "--strict-container-ids", "maybe")]
    [InlineData("Api:TokenFile", "--api-token-file", "/nonexistent/api-tokens")]
    public async Task An_invalid_value_gives_one_clear_line_and_exit_code_2(string mentioned, string flag, string value)
    {
        var (exit, stdout, stderr) = await RunAsync(null, flag, value, "--spool-dir", _dir, "--http-url", "http://127.0.0.1:0");
        Assert.Equal(2, exit);
        Assert.Contains("invalid configuration", stderr);
        Assert.Contains(mentioned.Split(':')[0], stderr);
        Assert.DoesNotContain("   at ", stderr + stdout); // no stack trace
    }
}
