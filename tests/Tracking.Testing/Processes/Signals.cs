using System.Runtime.InteropServices;

namespace Tracking.Testing.Processes;

/// <summary>POSIX signals: .NET's Process.Kill only sends SIGKILL, and a clean stop needs SIGTERM.</summary>
internal static class Signals
{
    public const int SigInt = 2;
    public const int SigTerm = 15;
    public const int SigKill = 9;
    public const int SigStop = 19;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/>; false when the process no longer exists.</summary>
    public static bool Send(int pid, int signal) => SysKill(pid, signal) == 0;
}
