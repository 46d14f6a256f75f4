using TagSimulator;

namespace TagSimulator.Tests;

/// <summary>The simulator's TLS and account options: parsed into BrokerSecurity, inconsistent or missing files refused up front.</summary>
public sealed class BrokerSecurityOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sim-sec-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, "x\n");
        return path;
    }

    [Fact]
    public void Mqtts_with_a_ca_file_and_an_account_is_taken()
    {
        string ca = File("ca.pem"), pw = File("pw");
        SimulatorOptions o = SimulatorOptions.Parse(["--broker", "mqtts://mqtt.example.com:8883", "--ca-file", ca, "--username", "sim.sim", "--password-file", pw]);
        Assert.Equal(("mqtt.example.com", 8883), (o.BrokerHost, o.BrokerPort));
        Assert.True(o.Security.Tls);
        Assert.Equal((ca, "sim.sim", pw), (o.Security.CaFile, o.Security.Username, o.Security.PasswordFile));
        Assert.False(SimulatorOptions.Parse(["--broker", "127.0.0.1:1883"]).Security.Tls);
    }

    [Theory]
    [InlineData("--ca-file needs", "--broker", "127.0.0.1:1883", "--ca-file", "@ca")]
    [InlineData("--cert-file and --key-file go together", "--broker", "mqtts://h:8883", "--cert-file", "@ca")]
    [InlineData("--password-file needs --username", "--password-file", "@ca")]
    [InlineData("'/nonexistent/ca.pem' does not exist", "--broker", "mqtts://h:8883", "--ca-file", "/nonexistent/ca.pem")]
    public void Inconsistent_or_missing_settings_are_refused(string error, params string[] args)
    {
        string ca = File("ca.pem");
        string[] resolved = args.Select(a => a == "@ca" ? ca : a).ToArray();
        var refused = Assert.Throws<ArgumentException>(() => SimulatorOptions.Parse(resolved));
        Assert.Contains(error.Replace("--ca-file needs", "--ca-file, --cert-file and --key-file need"), refused.Message, StringComparison.Ordinal);
    }
}
