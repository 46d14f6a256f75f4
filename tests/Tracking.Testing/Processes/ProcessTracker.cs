using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tracking.Testing.Processes;

/// <summary>
/// Every server process this test process started. On exit (normal end, SIGTERM, an aborted run that still
/// unwinds) whatever is left gets SIGKILL, so no broker outlives the test host. Crashes that skip ProcessExit
/// are handled by <see cref="StaleInstanceReaper"/> on the next run and by scripts/test afterwards.
/// </summary>
internal static class ProcessTracker
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static ProcessTracker()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    public static void Register(Process process) => Running[process.Id] = process;

    public static void Unregister(Process process) => Running.TryRemove(process.Id, out _);

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                if (!process.HasExited) process.Kill();
            }
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
        }
        Running.Clear();
    }
}
