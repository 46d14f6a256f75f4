namespace Tracking.Provisioning;

/// <summary>Writes the provisioning files: whole or not at all, and the Wi-Fi file readable by its owner only.</summary>
internal static class OutputFiles
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Readable = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode PrivateDirectory = OwnerOnly | UnixFileMode.UserExecute;

    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            // The directory holds a password file: private from the moment it exists.
            Directory.CreateDirectory(path, PrivateDirectory);
        }
    }

    public static void Write(string path, byte[] content, bool secret)
    {
        // A temporary file created with its final mode, then renamed: the secret is never readable by others,
        // not even for an instant, and a rerun over an older 0644 file does not inherit its mode.
        string temp = path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = secret ? OwnerOnly : Readable;
        }
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
