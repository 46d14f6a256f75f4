using System.Text;
using System.Text.Json;
using Tracking.Gateway.Ingest.DeadLetters;
using Tracking.Influx.Writing;
using Tracking.Testing;

namespace Tracking.Gateway.Ingest.Tests.DeadLetters;

/// <summary>
/// The dead-letter file on a full 1 MiB tmpfs: <see cref="DeadLetterFile.Flush"/> returns false and says why, keeps the
/// letters (also those added meanwhile) and writes each exactly once when space is back; every line is whole JSON.
/// </summary>
public sealed class FullDiskDeadLetterTests : IDisposable
{
    private const string Topic = "tracking/v1/fleet-1/CSQU3054383/tag-1/telemetry";
    private readonly FullTmpfs _disk = new();

    public void Dispose() => _disk.Dispose();

    // ~400 bytes a line: 30 of them need pages the full disk does not have.
    private static byte[] Payload(int i) => Encoding.UTF8.GetBytes($"payload-{i}-" + new string('p', 250));

    private static List<JsonElement> Lines(string path) =>
        File.ReadAllLines(path).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();

    [Fact]
    public void Flush_fails_on_a_full_disk_keeps_the_letters_and_writes_each_once_when_space_is_back()
    {
        using var letters = new DeadLetterFile(Path.Combine(_disk.Root, "spool"));
        letters.Add(Topic, Payload(0), "invalid_json", "letter 0");
        Assert.True(letters.Flush());

        _disk.Fill();
        for (int i = 1; i <= 30; i++) letters.Add(Topic, Payload(i), "invalid_json", $"letter {i}");
        Assert.False(letters.Flush());
        Assert.Contains("space", letters.Error, StringComparison.OrdinalIgnoreCase);
        for (int i = 31; i <= 40; i++) letters.Add(Topic, Payload(i), "invalid_json", $"letter {i}");
        Assert.False(letters.Flush());
        Assert.Equal(41, letters.Count);

        _disk.Free();
        Assert.True(letters.Flush());
        Assert.Null(letters.Error);
        Assert.True(letters.Flush()); // nothing left to write: no second copy

        List<JsonElement> lines = Lines(letters.Path);
        Assert.Equal(Enumerable.Range(0, 41).Select(i => $"letter {i}"), lines.Select(l => l.GetProperty("detail").GetString()));
        for (int i = 0; i < lines.Count; i++)
        {
            Assert.Equal(Topic, lines[i].GetProperty("topic").GetString());
            Assert.Equal(Payload(i), lines[i].GetProperty("payload").GetBytesFromBase64());
        }
    }

    [Fact]
    public void Closed_while_the_disk_is_full_the_file_reopens_without_a_torn_line()
    {
        string dir = Path.Combine(_disk.Root, "spool");
        string path;
        using (var letters = new DeadLetterFile(dir))
        {
            path = letters.Path;
            letters.Add(Topic, Payload(0), "invalid_json", "letter 0");
            Assert.True(letters.Flush());
            _disk.Fill();
            for (int i = 1; i <= 30; i++) letters.Add(Topic, Payload(i), "invalid_json", $"letter {i}");
            Assert.False(letters.Flush());
        } // Dispose fails to write them too: those messages were never acknowledged, the broker delivers them again

        _disk.Free();
        using (var letters = new DeadLetterFile(dir))
        {
            letters.Add(Topic, Payload(99), "invalid_json", "letter 99");
            Assert.True(letters.Flush());
        }

        // A write the full disk cut short must not leave part of a line for the next letter to be glued to.
        List<JsonElement> lines = Lines(path);
        Assert.Equal(["letter 0", "letter 99"], lines.Select(l => l.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Lines_influx_refused_are_not_settled_while_the_disk_is_full_and_written_once_space_is_back()
    {
        using var letters = new DeadLetterFile(Path.Combine(_disk.Root, "spool"));
        var refused = Enumerable.Range(0, 30)
            .Select(i => new DeadLetter(i, $"telemetry,tag=t{i} v={i} " + new string('1', 300), 400, $"bad line {i}", DateTimeOffset.UnixEpoch))
            .ToList();

        _disk.Fill();
        // The writer must not settle these lines: the write fails, and the letters stay queued here.
        await Assert.ThrowsAsync<IOException>(async () => await letters.WriteAsync(refused, CancellationToken.None));

        _disk.Free();
        await letters.WriteAsync(refused, CancellationToken.None); // the writer's retry

        // The queued copy and the retry's (DeadLetterFile.WriteAsync allows that): each refused line at least once,
        // at most twice, and every line whole JSON.
        List<JsonElement> lines = Lines(letters.Path);
        Assert.All(lines, l => Assert.Equal("influx_rejected", l.GetProperty("reason").GetString()));
        var counts = lines.GroupBy(l => l.GetProperty("line").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(refused, r => Assert.InRange(counts.GetValueOrDefault(r.Line), 1, 2));
        Assert.Equal(refused.Count, counts.Count);
    }
}
