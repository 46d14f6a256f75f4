using System.Diagnostics;
using Xunit;

namespace Tracking.Testing;

/// <summary>
/// A small tmpfs mounted for a test, which <see cref="Fill"/> fills to the last byte with a filler file and
/// <see cref="Free"/> empties again: a real ENOSPC from the kernel rather than a fake file system. A test's own 1 MiB
/// disk (<c>new FullTmpfs()</c>), or one of a given size on a directory a process under test already uses
/// (<see cref="Mount"/>: the chaos scenarios' gateway spool). Needs root (CI runs as root): where the tests are not
/// root it fails saying so, since a skipped full-disk test proves nothing. Unmounted lazily on dispose so a handle a
/// failed test left open cannot keep it mounted.
/// </summary>
public sealed class FullTmpfs : IDisposable
{
    private readonly bool _ownsRoot;
    private bool _mounted;

    /// <summary>A 1 MiB tmpfs on a directory of its own, removed on dispose.</summary>
    public FullTmpfs()
        : this(Path.Combine(Path.GetTempPath(), "tracking-tests", "tmpfs-" + Guid.NewGuid().ToString("N")), 1 << 20, ownsRoot: true)
    {
    }

    private FullTmpfs(string root, long bytes, bool ownsRoot)
    {
        Assert.True(Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root",
            "this test mounts a tmpfs to fill it and needs root: run scripts/test as root, as CI does");
        Root = root;
        _ownsRoot = ownsRoot;
        Directory.CreateDirectory(root);
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes},mode=0700", "tmpfs", root);
        _mounted = true;
    }

    /// <summary>A tmpfs of <paramref name="bytes"/> on <paramref name="root"/> (created if missing, left in place on dispose).</summary>
    public static FullTmpfs Mount(string root, long bytes) => new(root, bytes, ownsRoot: false);

    /// <summary>The mount point.</summary>
    public string Root { get; }

    /// <summary>Bytes the filler took at the last <see cref="Fill"/>.</summary>
    public long FillerBytes { get; private set; }

    /// <summary>Free bytes on the file system (what statvfs reports).</summary>
    public long FreeBytes => new DriveInfo(Root).AvailableFreeSpace;

    private string FillerPath => Path.Combine(Root, "filler");

    /// <summary>
    /// Writes the filler until the kernel refuses: whole pages first, then single bytes, so that the filler's last page
    /// is full too. Afterwards only writes into pages another file already has can succeed.
    /// </summary>
    public void Fill()
    {
        using var filler = new FileStream(FillerPath, FileMode.Append, FileAccess.Write, FileShare.None, 0);
        byte[] page = new byte[4096];
        foreach (int chunk in new[] { 4096, 1 })
        {
            try
            {
                while (true) filler.Write(page, 0, chunk);
            }
            catch (IOException)
            {
            }
        }

        FillerBytes = filler.Length;
    }

    public void Free() => File.Delete(FillerPath);

    public void Dispose()
    {
        if (!_mounted) return;
        _mounted = false;
        try { File.Delete(FillerPath); } catch (IOException) { }
        try { Run("umount", "-l", Root); } catch (InvalidOperationException) { }
        if (_ownsRoot)
        {
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
        }
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
