using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tracking.Gateway.Ingest;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.Configuration;

/// <summary>
/// Fatal errors end the process with a non-zero code a supervisor restarts on, and one line on stderr without a stack
/// trace (issue 9 item 2). They stop the gateway before it reaches the broker, so no broker is started.
/// </summary>
public sealed class ExitCodeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "exit-" + Guid.NewGuid().ToString("N"));

    public ExitCodeTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        foreach (string mount in Directory.EnumerateDirectories(_dir, "ro-*")) Unmount(mount);
        Directory.Delete(_dir, recursive: true);
    }

    private static string[] Args(string spoolDir, string httpUrl = "http://127.0.0.1:0") =>
        ["--spool-dir", spoolDir, "--http-url", httpUrl, "--mqtt-url", $"mqtt://127.0.0.1:{FreePort.Get()}"];

    private static void AssertOneClearLine(string stderr, string expected)
    {
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line on stderr, got:\n" + stderr);
        Assert.StartsWith("Tracking.Gateway: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task A_spool_directory_that_cannot_be_created_exits_3()
    {
        string file = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");

        var (exit, _, stderr) = await GatewayProcess.RunAsync(null, Args(Path.Combine(file, "spool")));

        Assert.True(exit == ExitCodes.Storage, $"exit {exit}, stderr:\n{stderr}");
        AssertOneClearLine(stderr, "spool directory");
    }

    [Fact]
    public async Task A_spool_on_a_read_only_file_system_exits_3()
    {
        Assert.True(Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root",
            "this test mounts a read-only tmpfs and needs root (CI runs as root)");
        string mount = Path.Combine(_dir, "ro-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(mount);
        Run("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", mount);

        var (exit, _, stderr) = await GatewayProcess.RunAsync(null, Args(Path.Combine(mount, "spool")));

        Assert.True(exit == ExitCodes.Storage, $"exit {exit}, stderr:\n{stderr}");
        AssertOneClearLine(stderr, "Read-only file system");
    }

    [Fact]
    public async Task A_health_listener_address_in_use_exits_4()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exit, _, stderr) = await GatewayProcess.RunAsync(null, Args(Path.Combine(_dir, "spool"), $"http://127.0.0.1:{port}"));

        Assert.True(exit == ExitCodes.Listener, $"exit {exit}, stderr:\n{stderr}");
        AssertOneClearLine(stderr, "cannot listen");
    }

    [Fact]
    public async Task Help_documents_every_exit_code()
    {
        var (exit, stdout, _) = await GatewayProcess.RunAsync(null, "--help");
        Assert.Equal(ExitCodes.Normal, exit);
        foreach (int code in new[] { ExitCodes.Normal, ExitCodes.Crash, ExitCodes.Configuration, ExitCodes.Storage, ExitCodes.Listener })
        {
            Assert.Matches($@"(?m)^  {code}  \S", stdout);
        }
    }

    private static void Unmount(string mount)
    {
        try { Run("umount", mount); } catch (InvalidOperationException) { }
    }

    private static void Run(string command, params string[] args)
    {
        var psi = new ProcessStartInfo(command) { RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{command} {string.Join(' ', args)}: {err}");
    }
}
