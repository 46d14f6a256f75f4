using System.Runtime.InteropServices;

namespace Tracking.Gateway.Ingest.DeadLetters;

/// <summary>
/// fsync of a directory, so that renames and new names in it survive a power loss (POSIX: a file's fsync does not make
/// its directory entry durable). .NET opens no handle to a directory, hence libc. No-op on Windows.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0, CloseOnExec = 0x80000; // O_RDONLY, O_CLOEXEC: the same on Linux x64 and arm64

    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(directory, ReadOnly | CloseOnExec);
        if (fd < 0) throw new IOException($"cannot open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // DllImport, not LibraryImport: that one needs unsafe code in the project for three plain calls.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
