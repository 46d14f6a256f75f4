using System.Globalization;

namespace Tracking.Testing.Processes;

/// <summary>
/// A private directory for one server instance under TEMP/tracking-tests/: config, data, log, PID.
/// It records its owner (this test process) so that a later run can reap servers a crashed run left behind.
/// </summary>
internal sealed class InstanceDirectory
{
    public const string OwnerFile = "owner";
    public const string ServerPidFile = "server.pid";

    public static string BaseDirectory { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tracking-tests");

    private InstanceDirectory(string path) => Path = path;

    public string Path { get; }

    public static InstanceDirectory Create(string kind)
    {
        StaleInstanceReaper.RunOnce();
        var path = System.IO.Path.Combine(BaseDirectory, $"{kind}-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(path);
        var self = Environment.ProcessId;
        System.IO.File.WriteAllText(System.IO.Path.Combine(path, OwnerFile),
            string.Create(CultureInfo.InvariantCulture, $"{self} {ProcFs.StartTime(self)}\n"));
        return new InstanceDirectory(path);
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void RecordServerPid(int? pid)
    {
        if (pid is null) System.IO.File.Delete(File(ServerPidFile));
        else System.IO.File.WriteAllText(File(ServerPidFile), pid.Value.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    public void Delete()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException)
        {
            // A file still being closed by a process that just exited: one retry is enough in practice.
            Thread.Sleep(100);
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
