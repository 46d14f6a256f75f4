namespace Tracking.Testing;

/// <summary>Finds the server programs the tests start.</summary>
public static class ServerBinaries
{
    // Daemons install to sbin, which a non-root PATH often lacks.
    private static readonly string[] SbinDirectories = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

    /// <summary>The full path of <paramref name="command"/>, or an exception naming the Debian package to install.</summary>
    public static string Require(string command, string debianPackage)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(SbinDirectories);
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory, command);
            if (IsExecutableFile(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            $"{command} not found: install the Debian package '{debianPackage}' (scripts/servers installs it)");
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
