using System.Globalization;

namespace Tracking.Testing.Processes;

/// <summary>What /proc says about a process: enough to tell a live process from a recycled PID.</summary>
internal static class ProcFs
{
    /// <summary>The process start time in clock ticks since boot (field 22 of /proc/PID/stat), or null when gone or a zombie.</summary>
    public static long? StartTime(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // The command name (field 2) is parenthesised and may itself contain spaces or ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        if (fields.Length < 20 || fields[0] == "Z") return null;
        return long.Parse(fields[19], CultureInfo.InvariantCulture);
    }

    /// <summary>The working directory of a live process, or null.</summary>
    public static string? WorkingDirectory(int pid)
    {
        try { return new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
