using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tracking.Testing.Processes;

/// <summary>
/// Every server process this test process started. On exit (normal end, SIGTERM/SIGINT/SIGHUP/SIGQUIT of
/// the test host) whatever is left gets SIGKILL, so no broker outlives the test host. A SIGKILL of the test
/// host runs no code at all: <see cref="StaleInstanceReaper"/> (next run) and scripts/test (afterwards) cover that.
/// </summary>
internal static class ProcessTracker
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    // Since .NET 10 the runtime installs no SIGTERM handler, so ProcessExit does not run on SIGTERM.
    // The handlers do not cancel: the signal's default action (terminate) still follows. Kept in a field
    // because a collected registration unregisters itself.
    private static readonly PosixSignalRegistration[] SignalRegistrations =
        OperatingSystem.IsWindows()
            ? []
            : [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT }
                .Select(signal => PosixSignalRegistration.Create(signal, _ => KillAll()))];

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
