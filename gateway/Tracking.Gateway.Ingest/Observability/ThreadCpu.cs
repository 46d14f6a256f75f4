using System.Runtime.InteropServices;

namespace Tracking.Gateway.Ingest.Observability;

/// <summary>
/// The calling thread's CPU time (Linux: <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>), to charge a piece of work that
/// runs on one thread with what it cost, whatever else the process does meanwhile. Elsewhere, or when the call fails: not
/// known (null), and nothing is charged.
/// </summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3; // the same on Linux x64 and arm64

    private static readonly bool Available = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>The thread's CPU time so far in <see cref="TimeSpan"/> ticks, or null when not known.</summary>
    public static long? Ticks()
    {
        if (!Available || clock_gettime(ClockThreadCpuTimeId, out Timespec t) != 0) return null;
        return (t.Seconds * TimeSpan.TicksPerSecond) + (t.Nanoseconds / 100);
    }

    // DllImport, not LibraryImport: that one needs unsafe code in the project for one plain call (as DirectorySync).
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, out Timespec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
