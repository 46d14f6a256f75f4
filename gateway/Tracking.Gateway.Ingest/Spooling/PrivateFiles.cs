using Microsoft.Win32.SafeHandles;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// The spool directory holds the tags' raw messages and the dead letters: only the gateway's own user may read them, so
/// the directory is created 0700 and every file in it 0600, whatever the umask says.
/// </summary>
internal static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and missing parents) 0700; an existing directory keeps its mode.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, DirectoryMode);
        }
    }

    /// <summary>Options for a <see cref="FileStream"/> that creates its file 0600.</summary>
    public static FileStreamOptions StreamOptions(System.IO.FileMode mode, FileAccess access, FileShare share, int bufferSize)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        return options;
    }

    /// <summary>Like <see cref="File.OpenHandle"/> (read-write, shared for reading), creating a missing file 0600.</summary>
    public static SafeFileHandle OpenHandle(string path, System.IO.FileMode mode)
    {
        if (!OperatingSystem.IsWindows() && mode is System.IO.FileMode.CreateNew or System.IO.FileMode.OpenOrCreate)
        {
            // File.OpenHandle takes no creation mode (the umask would decide): let FileStream create the file, then open it.
            using (new FileStream(path, StreamOptions(mode, FileAccess.Write, FileShare.ReadWrite, 0)))
            {
            }

            mode = System.IO.FileMode.Open;
        }

        return File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.Read);
    }
}
