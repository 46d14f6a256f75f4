using System.Globalization;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// The exclusive lock of a spool directory, held for as long as a <see cref="DiskSpool"/> has it open: its file
/// <see cref="FileName"/> opened with <see cref="FileShare.None"/>, which .NET takes on Unix as an advisory
/// <c>flock(LOCK_EX | LOCK_NB)</c> of the open file description, and Windows as a share mode. Either way the operating
/// system drops it when the process dies, however it dies (SIGKILL, OOM kill, power loss of a shared volume's client
/// aside), and a second open of the directory fails at once, also inside the same process. So holding a peer's lock proves
/// that no gateway runs on that spool: what <see cref="Group.PeerSpoolAdopter"/> relies on before it drains a dead
/// peer's spool, and what keeps a peer that comes back from appending while a survivor drains it. The lock is advisory:
/// every gateway takes it, nothing else has to (<c>cat</c> may read the file: it holds the holder's pid and host).
/// Setting DOTNET_SYSTEM_IO_DISABLEFILELOCKING switches .NET's locks off, and with them this protection.
/// </summary>
public sealed class SpoolLock : IDisposable
{
    public const string FileName = "lock";

    // errno of a flock that would block: EWOULDBLOCK is EAGAIN, 11 on Linux and 35 on macOS and the BSDs; .NET puts the
    // errno into the IOException's HResult. On Windows the share mode's ERROR_SHARING_VIOLATION (32) or ERROR_LOCK_VIOLATION (33).
    private const int LinuxWouldBlock = 11;
    private const int BsdWouldBlock = 35;
    private const int WindowsSharingViolation = 32;
    private const int WindowsLockViolation = 33;

    private readonly FileStream _file;

    private SpoolLock(FileStream file, string directory)
    {
        _file = file;
        Directory = directory;
    }

    /// <summary>The locked spool directory.</summary>
    public string Directory { get; }

    /// <summary>Takes the lock of <paramref name="directory"/> (which must exist) without waiting.</summary>
    /// <exception cref="SpoolLockedException">Another open spool holds it.</exception>
    public static SpoolLock Acquire(string directory)
    {
        string path = Path.Combine(directory, FileName);
        FileStream file;
        try
        {
            file = new FileStream(path, PrivateFiles.StreamOptions(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 0));
        }
        catch (IOException ex) when (IsHeldElsewhere(ex))
        {
            throw new SpoolLockedException(directory, ex);
        }

        try
        {
            // For an operator wondering who holds it; not read by the gateways (a dead holder's line stays behind).
            byte[] holder = System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"pid {Environment.ProcessId} on {Environment.MachineName} since {DateTimeOffset.UtcNow:O}\n"));
            file.SetLength(0);
            file.Write(holder);
            file.Flush();
        }
        catch (IOException)
        {
            // The note is optional (a full disk must not stop a spool from opening): the lock is what counts.
        }

        return new SpoolLock(file, directory);
    }

    /// <summary>Like <see cref="Acquire"/>, false (and no lock) when another open spool holds it.</summary>
    public static bool TryAcquire(string directory, out SpoolLock? held)
    {
        try
        {
            held = Acquire(directory);
            return true;
        }
        catch (SpoolLockedException)
        {
            held = null;
            return false;
        }
    }

    /// <summary>Releases the lock (closing the file releases it; the file stays for the next holder).</summary>
    public void Dispose() => _file.Dispose();

    private static bool IsHeldElsewhere(IOException ex)
    {
        if (ex is FileNotFoundException or DirectoryNotFoundException or PathTooLongException) return false;
        int code = ex.HResult & 0xFFFF;
        return OperatingSystem.IsWindows()
            ? code is WindowsSharingViolation or WindowsLockViolation
            : ex.HResult is LinuxWouldBlock or BsdWouldBlock;
    }
}
