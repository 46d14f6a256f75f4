using System.Globalization;
using Tracking.Testing.Processes;

namespace Tracking.Testing.Tests;

/// <summary>
/// What the reaper that every test process runs once may delete beside the servers: instance directories whose owner is
/// gone, and nothing else: it deleted a test's own directory (no owner file, e.g. a chaos gateway's spool) while the
/// test ran.
/// </summary>
public sealed class StaleInstanceReaperTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("tracking-reaper-").FullName;

    [Fact]
    public void A_directory_without_an_owner_file_is_kept_however_old_and_a_dead_owners_instance_is_removed()
    {
        string spool = Dir("gw-spool");
        File.WriteAllText(Path.Combine(spool, "000000000001.seg"), "records");
        Directory.SetCreationTimeUtc(spool, DateTime.UtcNow.AddHours(-1));
        Directory.SetLastWriteTimeUtc(spool, DateTime.UtcNow.AddHours(-1));

        string dead = Dir("mosquitto-dead");
        File.WriteAllText(Path.Combine(dead, InstanceDirectory.OwnerFile), "2147483646 1\n"); // no such process

        string live = Dir("influxd-live");
        int self = Environment.ProcessId;
        File.WriteAllText(Path.Combine(live, InstanceDirectory.OwnerFile),
            string.Create(CultureInfo.InvariantCulture, $"{self} {ProcFs.StartTime(self)}\n"));

        StaleInstanceReaper.Reap(_base);

        Assert.True(File.Exists(Path.Combine(spool, "000000000001.seg")), "a test's own directory was deleted");
        Assert.False(Directory.Exists(dead), "a dead owner's instance directory was kept");
        Assert.True(Directory.Exists(live), "a live owner's instance directory was deleted");
    }

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_base, name)).FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);
}
