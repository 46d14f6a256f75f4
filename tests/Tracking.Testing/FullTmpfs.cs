using System.Diagnostics;
using Xunit;

namespace Tracking.Testing;

/// <summary>
/// A 1 MiB tmpfs mounted for one test, which <see cref="Fill"/> fills to the last byte with a filler file and
/// <see cref="Free"/> empties again: a real ENOSPC from the kernel rather than a fake file system. Needs root (CI runs
/// as root); unmounted lazily on dispose so a handle a failed test left open cannot keep it mounted.
/// </summary>
public sealed class FullTmpfs : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tracking-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));

    public FullTmpfs()
    {
        Assert.True(Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root",
            "this test mounts a 1 MiB tmpfs to fill it and needs root (CI runs as root)");
        Directory.CreateDirectory(_root);
        Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", _root);
    }

    /// <summary>The mount point.</summary>
    public string Root => _root;

    private string FillerPath => Path.Combine(_root, "filler");

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
    }

    public void Free() => File.Delete(FillerPath);

    public void Dispose()
    {
        try { Run("umount", "-l", _root); } catch (InvalidOperationException) { }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static void Run(string command, params string[] args)
    {
        var psi = new ProcessStartInfo(command) { RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{command} {string.Join(' ', args)}: {err}");
    }
}
