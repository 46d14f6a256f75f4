using System.Diagnostics;

namespace Tracking.Chaos.Tests;

/// <summary>
/// A small tmpfs mounted on a directory (the gateway's spool directory for <c>disk-full</c>) so that the disk really
/// fills: <see cref="Fill"/> writes a ballast file until the kernel answers ENOSPC, <see cref="Free"/> deletes it. Needs
/// root (<see cref="IsRoot"/>; CI runs as root). <see cref="Dispose"/> unmounts lazily (a process still holding a file
/// there cannot keep it mounted) and removes the ballast, also after a failed run.
/// </summary>
public sealed class TmpfsDisk : IDisposable
{
    private bool _mounted;

    private TmpfsDisk(string root) => Root = root;

    /// <summary>The mount point.</summary>
    public string Root { get; }

    /// <summary>Bytes the ballast took at the last <see cref="Fill"/>.</summary>
    public long BallastBytes { get; private set; }

    private string BallastPath => Path.Combine(Root, "ballast");

    /// <summary>Whether this process may mount (the scenario is skipped, with this as the reason, when not).</summary>
    public static bool IsRoot => Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> on <paramref name="root"/> (created if missing).</summary>
    public static TmpfsDisk Mount(string root, long bytes)
    {
        // Not skipped where the tests are not root: a skipped scenario proves nothing, so it fails saying why.
        if (!IsRoot) throw new InvalidOperationException("disk-full needs root to mount a tmpfs: run scripts/test as root, as CI does");
        Directory.CreateDirectory(root);
        var disk = new TmpfsDisk(root);
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes},mode=0700", "tmpfs", root);
        disk._mounted = true;
        return disk;
    }

    /// <summary>
    /// Writes the ballast until the kernel refuses: whole pages, then single bytes, so that its last page is full too.
    /// Afterwards only writes into pages another file already has can succeed.
    /// </summary>
    public void Fill()
    {
        using var ballast = new FileStream(BallastPath, FileMode.Append, FileAccess.Write, FileShare.None, 0);
        byte[] page = new byte[4096];
        foreach (int chunk in new[] { 4096, 1 })
        {
            try
            {
                while (true) ballast.Write(page, 0, chunk);
            }
            catch (IOException)
            {
            }
        }

        BallastBytes = ballast.Length;
    }

    public void Free() => File.Delete(BallastPath);

    /// <summary>Free bytes on the file system (what statvfs reports).</summary>
    public long FreeBytes => new DriveInfo(Root).AvailableFreeSpace;

    public void Dispose()
    {
        if (!_mounted) return;
        _mounted = false;
        try { File.Delete(BallastPath); } catch (IOException) { }
        try { Run("umount", "-l", Root); } catch (InvalidOperationException) { }
    }

    private static void Run(string command, params string[] args)
    {
        var psi = new ProcessStartInfo(command) { RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed: {err.Trim()}");
    }
}
