using System.Globalization;

namespace Tracking.Testing.Processes;

/// <summary>
/// Kills servers whose test process died without cleaning up (a crash, SIGKILL of the test host) and
/// deletes their directories. A server is only killed when its owner is gone and the PID still runs in
/// that instance's directory, so neither live runs nor recycled PIDs are touched. Only instance directories (with an
/// owner file) are its business: tests keep other directories of their own beside them (a gateway's spool, PKI, rule
/// stores) without an owner file, and it deleted those while their tests ran (issue 14: a chaos gateway's spool).
/// </summary>
internal static class StaleInstanceReaper
{
    private static int _ran;

    public static void RunOnce()
    {
        if (Interlocked.Exchange(ref _ran, 1) == 0) Reap();
    }

    private static void Reap() => Reap(InstanceDirectory.BaseDirectory);

    /// <summary>One pass over <paramref name="baseDirectory"/> (tests: a directory of their own).</summary>
    internal static void Reap(string baseDirectory)
    {
        if (!Directory.Exists(baseDirectory)) return;
        foreach (var dir in Directory.GetDirectories(baseDirectory))
        {
            try
            {
                if (OwnerAlive(dir)) continue;
                var pidFile = Path.Combine(dir, InstanceDirectory.ServerPidFile);
                if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)
                    && ProcFs.StartTime(pid) is not null && RunsIn(ProcFs.WorkingDirectory(pid), dir))
                {
                    Signals.Send(pid, Signals.SigKill);
                }
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>In the instance directory or below it (postgres changes into its data directory, a subdirectory).</summary>
    private static bool RunsIn(string? workingDirectory, string dir) =>
        workingDirectory is not null
        && (workingDirectory == dir || workingDirectory.StartsWith(dir + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    private static bool OwnerAlive(string dir)
    {
        var ownerFile = Path.Combine(dir, InstanceDirectory.OwnerFile);
        if (!File.Exists(ownerFile))
        {
            // Not a server's instance directory, or one being created right now (its owner file follows within
            // microseconds): other test code keeps its files here too, with no owner file, e.g. a GatewayProcess's spool
            // and rules database or a test's token file, for as long as the test runs. Reaping those after a minute took a
            // running end-to-end test's spool and files away whenever another test process started its first server.
            // Only what no test can still be using goes: older than a day.
            return Directory.GetCreationTimeUtc(dir) > DateTime.UtcNow.AddDays(-1);
        }
        var parts = File.ReadAllText(ownerFile).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length < 1 || !int.TryParse(parts[0], out var ownerPid)) return false;
        var startTime = ProcFs.StartTime(ownerPid);
        if (startTime is null) return false;
        return parts.Length < 2 || startTime.Value.ToString(CultureInfo.InvariantCulture) == parts[1];
    }
}
