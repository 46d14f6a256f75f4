namespace Tracking.Chaos.Tests;

/// <summary>
/// A fact that needs root (it mounts a file system): skipped, with that reason in the test report, where the tests do
/// not run as root, so that a run without it says plainly what it did not test instead of passing silently.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!TmpfsDisk.IsRoot) Skip = "not run: needs root to mount a tmpfs and fill it (CI runs as root)";
    }
}
