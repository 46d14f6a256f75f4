namespace Tracking.Security.Tests;

/// <summary>deploy/broker-config and deploy/make-certs themselves: what they write, refuse and never print.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the scripts and file modes are POSIX
public sealed class BrokerConfigTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "broker-config-unit-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private Task<ScriptResult> InitAsync(params string[] options) =>
        DeployScripts.RunOkAsync("broker-config", ["init", _dir, "--tls-port", "18999", .. options]);

    [Fact]
    public async Task Init_writes_a_tls_only_configuration_with_authentication_and_the_acl_patterns()
    {
        await InitAsync("--server-name", "mqtt.example.com", "--server-name", "10.0.0.5");
        string conf = await File.ReadAllTextAsync(Path.Combine(_dir, "mosquitto.conf"));
        Assert.Contains("allow_anonymous false\n", conf, StringComparison.Ordinal);
        Assert.Contains($"password_file {_dir}/passwd\n", conf, StringComparison.Ordinal);
        Assert.Contains($"acl_file {_dir}/acl\n", conf, StringComparison.Ordinal);
        Assert.Equal(["listener 18999"], conf.Split('\n').Where(l => l.StartsWith("listener", StringComparison.Ordinal)));
        Assert.Contains($"certfile {_dir}/pki/server.pem\n", conf, StringComparison.Ordinal);

        string acl = await File.ReadAllTextAsync(Path.Combine(_dir, "acl"));
        Assert.Equal(
            ["pattern write tracking/v1/%u/telemetry", "pattern write tracking/v1/%u/event", "pattern write tracking/v1/%u/status",
             "pattern read tracking/v1/%u/config"],
            acl.Split('\n').Where(l => l.StartsWith("pattern", StringComparison.Ordinal)));

        ScriptResult san = await RunOpensslAsync("x509", "-in", Path.Combine(_dir, "pki", "server.pem"), "-noout", "-ext", "subjectAltName");
        Assert.Contains("DNS:mqtt.example.com", san.Stdout, StringComparison.Ordinal);
        Assert.Contains("IP Address:10.0.0.5", san.Stdout, StringComparison.Ordinal);
        ScriptResult verify = await RunOpensslAsync("verify", "-CAfile", Path.Combine(_dir, "pki", "ca.pem"), Path.Combine(_dir, "pki", "server.pem"));
        Assert.Equal(0, verify.ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, "pki", "ca.key")));

        // A second init would replace the CA every device trusts: refused, and the files stay.
        string ca = await File.ReadAllTextAsync(Path.Combine(_dir, "pki", "ca.pem"));
        ScriptResult again = await DeployScripts.RunAsync("broker-config", ["init", _dir]);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal(ca, await File.ReadAllTextAsync(Path.Combine(_dir, "pki", "ca.pem")));
    }

    [Fact]
    public async Task Add_tag_hashes_the_password_from_stdin_and_prints_no_secret()
    {
        await InitAsync();
        const string password = "Sup3r-secret-tag-password";
        ScriptResult r = await DeployScripts.RunOkAsync("broker-config", ["add-tag", _dir, "acme", "CSQU3054383", "tag-07"], password + "\n");
        Assert.DoesNotContain(password, r.Stdout + r.Stderr, StringComparison.Ordinal);

        string passwd = await File.ReadAllTextAsync(Path.Combine(_dir, "passwd"));
        Assert.StartsWith("acme/CSQU3054383/tag-07:$7$101$", passwd, StringComparison.Ordinal); // PBKDF2-SHA512, mosquitto 2.0
        Assert.DoesNotContain(password, passwd, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, "passwd")));

        // Registering again replaces the line (a new password), never adds a second one.
        await DeployScripts.RunOkAsync("broker-config", ["add-tag", _dir, "acme", "CSQU3054383", "tag-07"], "another-one\n");
        Assert.Single(await File.ReadAllLinesAsync(Path.Combine(_dir, "passwd")), l => l.Length > 0);
    }

    [Theory]
    [InlineData("acme/x", "CSQU3054383", "t1")]
    [InlineData("acme", "CSQU305438#", "t1")]
    [InlineData("acme", "CSQU3054383", "t+")]
    [InlineData("acme", "CSQU3054383", "t:1")]
    [InlineData("", "CSQU3054383", "t1")]
    public async Task Add_tag_refuses_ids_that_would_break_the_acl_or_the_password_file(string fleet, string container, string tag)
    {
        await InitAsync();
        ScriptResult r = await DeployScripts.RunAsync("broker-config", ["add-tag", _dir, fleet, container, tag], "pw\n");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("[A-Za-z0-9_-]", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("", await File.ReadAllTextAsync(Path.Combine(_dir, "passwd")));
    }

    [Fact]
    public async Task Service_accounts_get_a_private_password_file_an_acl_block_and_a_client_certificate_and_can_be_removed()
    {
        await InitAsync();
        ScriptResult r = await DeployScripts.RunOkAsync("broker-config", ["add-gateway", _dir, "main"]);
        string secret = Path.Combine(_dir, "secrets", "gw.main.password");
        string password = (await File.ReadAllTextAsync(secret)).TrimEnd('\n');
        Assert.True(password.Length >= 20, "a long random password");
        Assert.DoesNotContain(password, r.Stdout + r.Stderr, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secret));
        string acl = await File.ReadAllTextAsync(Path.Combine(_dir, "acl"));
        Assert.Contains("user gw.main\ntopic read tracking/v1/+/+/+/telemetry\n", acl, StringComparison.Ordinal);
        Assert.DoesNotContain("topic write tracking/v1/+/+/+/telemetry", acl, StringComparison.Ordinal);
        Assert.Equal(0, (await RunOpensslAsync("verify", "-CAfile", Path.Combine(_dir, "pki", "ca.pem"),
            Path.Combine(_dir, "pki", "gw.main.pem"))).ExitCode);

        await DeployScripts.RunOkAsync("broker-config", ["remove", _dir, "gw.main"]);
        Assert.DoesNotContain("gw.main", await File.ReadAllTextAsync(Path.Combine(_dir, "acl")), StringComparison.Ordinal);
        Assert.DoesNotContain("gw.main", await File.ReadAllTextAsync(Path.Combine(_dir, "passwd")), StringComparison.Ordinal);
        Assert.False(File.Exists(secret));
    }

    private static async Task<ScriptResult> RunOpensslAsync(params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) info.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(), stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return new ScriptResult(p.ExitCode, await stdout, await stderr);
    }
}
