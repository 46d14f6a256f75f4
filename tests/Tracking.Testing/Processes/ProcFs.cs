using System.Globalization;

namespace Tracking.Testing.Processes;

/// <summary>What /proc says about a process: enough to tell a live process from a recycled PID.</summary>
internal static class ProcFs
{
    /// <summary>The process start time in clock ticks since boot (field 22 of /proc/PID/stat), or null when gone or a zombie.</summary>
    public static long? StartTime(int pid) => Stat(pid) is { State: not 'Z' } stat ? stat.StartTime : null;

    /// <summary>Whether the process is stopped by a signal (state T, or t when traced), so it forks nothing more.</summary>
    public static bool IsStopped(int pid) => Stat(pid) is { State: 'T' or 't' };

    /// <summary>
    /// The live processes below <paramref name="pid"/> (its children, theirs, ...), each with its start time: once the
    /// parent dies they are re-parented, and only the start time tells them from a later process with a recycled PID.
    /// </summary>
    public static IReadOnlyList<(int Pid, long StartTime)> Descendants(int pid)
    {
        var children = new Dictionary<int, List<(int Pid, long StartTime)>>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int child)) continue;
            if (Stat(child) is not { State: not 'Z' } stat) continue;
            if (!children.TryGetValue(stat.ParentId, out var list)) children[stat.ParentId] = list = [];
            list.Add((child, stat.StartTime));
        }
        var found = new List<(int Pid, long StartTime)>();
        var pending = new Queue<int>([pid]);
        while (pending.TryDequeue(out int parent))
        {
            if (!children.TryGetValue(parent, out var list)) continue;
            found.AddRange(list);
            foreach (var (child, _) in list) pending.Enqueue(child);
        }
        return found;
    }

    /// <summary>The working directory of a live process, or null.</summary>
    public static string? WorkingDirectory(int pid)
    {
        try { return new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>State (field 3), parent PID (field 4) and start time (field 22) of /proc/PID/stat, or null when gone.</summary>
    private static (char State, int ParentId, long StartTime)? Stat(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // The command name (field 2) is parenthesised and may itself contain spaces or ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        if (fields.Length < 20) return null;
        return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[19], CultureInfo.InvariantCulture));
    }
}
