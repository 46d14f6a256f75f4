using System.Runtime.Versioning;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Tests.Spooling;

/// <summary>
/// The spool directory holds the tags' raw messages: it is created 0700 and every file in it (segments, the checkpoint,
/// the dead letters) 0600, whatever the umask would have made them.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SpoolFileModeTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tracking-tests", "modes-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    [Fact]
    public void The_spool_directory_is_0700_and_its_segments_checkpoint_and_dead_letters_0600()
    {
        Directory.CreateDirectory(_root);
        string plain = Path.Combine(_root, "plain");
        File.WriteAllText(plain, "umask");
        Assert.True(File.GetUnixFileMode(plain) != Private, "the umask alone makes files 0600: this test would prove nothing");

        string dir = Path.Combine(_root, "data", "spool");
        var options = new SpoolOptions { Directory = dir, SegmentBytes = 4096, MaxBytes = 1 << 20 };
        using (var spool = DiskSpool.Open(options))
        using (var letters = new DeadLetterFile(dir))
        {
            for (int i = 0; i < 100; i++) Assert.True(spool.TryAppend(new byte[100])); // ~3 segments
            Assert.True(spool.Commit());
            using SpoolReader reader = spool.CreateReader();
            Assert.Equal(50, reader.Read(50, 0, static (_, _, _) => { }));
            spool.Confirm(reader.Position, 50);
            letters.Add("tracking/v9/x", "{}"u8, "invalid_topic", "test");
            Assert.True(letters.Flush());
        }

        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(dir));
        string[] files = Directory.GetFiles(dir);
        Assert.Contains(Path.Combine(dir, "checkpoint"), files);
        Assert.Contains(Path.Combine(dir, DeadLetterFile.FileName), files);
        Assert.True(files.Count(f => f.EndsWith(".seg", StringComparison.Ordinal)) >= 2, string.Join(", ", files));
        Assert.All(files, f => Assert.True(File.GetUnixFileMode(f) == Private, $"{f}: {File.GetUnixFileMode(f)}"));

        // Reopened, the spool writes a new checkpoint and segments: still 0600.
        using (var spool = DiskSpool.Open(options))
        {
            for (int i = 0; i < 100; i++) Assert.True(spool.TryAppend(new byte[100]));
            Assert.True(spool.Commit());
            using SpoolReader reader = spool.CreateReader();
            Assert.Equal(100, reader.Read(100, 0, static (_, _, _) => { }));
            spool.Confirm(reader.Position, 100);
        }

        Assert.All(Directory.GetFiles(dir), f => Assert.True(File.GetUnixFileMode(f) == Private, $"{f}: {File.GetUnixFileMode(f)}"));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(dir));
    }
}
