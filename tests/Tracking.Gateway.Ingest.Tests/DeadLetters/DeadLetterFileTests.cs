using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.DeadLetters;

namespace Tracking.Gateway.Ingest.Tests.DeadLetters;

/// <summary>
/// The dead-letter file's bounds: payloads cut past MaxPayloadBytes (length and "truncated" recorded), rotation to
/// dead-letters.N.jsonl within MaxFiles x MaxFileBytes, letters beyond one fsync's budget dropped and counted, and what
/// was kept is on disk, in order, after a reopen too.
/// </summary>
public sealed class DeadLetterFileTests : IDisposable
{
    private const string Topic = "tracking/v1/fleet-1/CSQU3054383/tag-1/telemetry";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tracking-tests", "dl-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private static DeadLetterOptions Bounded(long fileBytes, int files, int payloadBytes = 4096) =>
        new() { MaxFileBytes = fileBytes, MaxFiles = files, MaxPayloadBytes = payloadBytes };

    /// <summary>Every letter of every file, oldest file first.</summary>
    private List<JsonElement> AllLetters(int maxFiles)
    {
        var letters = new List<JsonElement>();
        for (int generation = maxFiles - 1; generation >= 0; generation--)
        {
            string path = generation == 0 ? Path.Combine(_dir, DeadLetterFile.FileName) : Path.Combine(_dir, $"dead-letters.{generation}.jsonl");
            if (!File.Exists(path)) continue;
            foreach (string line in File.ReadAllLines(path))
            {
                letters.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return letters;
    }

    private string[] LetterFiles() => Directory.GetFiles(_dir, "dead-letters*.jsonl").Select(Path.GetFileName).Order().ToArray()!;

    [Fact]
    public void A_payload_past_the_limit_is_cut_and_its_length_recorded_a_shorter_one_is_kept_whole()
    {
        byte[] big = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        using (var file = new DeadLetterFile(_dir, settings: Bounded(1 << 20, 2, payloadBytes: 100)))
        {
            file.Add(Topic, big, "payload_too_large", "more than 4096 bytes");
            file.Add(Topic, big.AsSpan(0, 100), "bad_json", "x");
            Assert.True(file.Flush());
        }

        var letters = AllLetters(2);
        Assert.Equal(2, letters.Count);
        Assert.Equal(10_000, letters[0].GetProperty("payload_bytes").GetInt32());
        Assert.True(letters[0].GetProperty("truncated").GetBoolean());
        Assert.Equal(big[..100], letters[0].GetProperty("payload").GetBytesFromBase64());
        Assert.Equal(100, letters[1].GetProperty("payload_bytes").GetInt32());
        Assert.False(letters[1].TryGetProperty("truncated", out _));
        Assert.Equal(big[..100], letters[1].GetProperty("payload").GetBytesFromBase64());
        Assert.Equal(Topic, letters[1].GetProperty("topic").GetString());
    }

    [Fact]
    public void Rotation_keeps_MaxFiles_files_each_within_MaxFileBytes_holding_the_newest_letters_in_order()
    {
        const long fileBytes = 8192;
        const int files = 3;
        int added = 0;
        using (var file = new DeadLetterFile(_dir, settings: Bounded(fileBytes, files)))
        {
            for (int flush = 0; flush < 60; flush++)
            {
                for (int i = 0; i < 5; i++) file.Add(Topic, Encoding.UTF8.GetBytes(new string('x', 200)), "bad_json", (added++).ToString());
                Assert.True(file.Flush());
            }

            Assert.Equal(0, file.Dropped);
            Assert.True(file.Rotations > files);
        }

        Assert.Equal(new[] { DeadLetterFile.FileName, "dead-letters.1.jsonl", "dead-letters.2.jsonl" }.Order(), LetterFiles());
        foreach (string name in LetterFiles()) Assert.InRange(new FileInfo(Path.Combine(_dir, name)).Length, 1, fileBytes);
        var details = AllLetters(files).Select(l => int.Parse(l.GetProperty("detail").GetString()!)).ToList();
        // A contiguous run that ends with the last letter added: nothing lost in between, only the oldest deleted.
        Assert.Equal(Enumerable.Range(added - details.Count, details.Count), details);
        Assert.True(details.Count > 2 * fileBytes / 400, $"only {details.Count} letters kept");
    }

    [Fact]
    public void Letters_beyond_one_fsyncs_budget_are_dropped_and_counted_the_others_are_on_disk()
    {
        const long fileBytes = 4096;
        using var file = new DeadLetterFile(_dir, settings: Bounded(fileBytes, 2));
        for (int i = 0; i < 100; i++) file.Add(Topic, new byte[300], "payload_too_large", i.ToString());
        Assert.Equal(100, file.Count + file.Dropped);
        Assert.True(file.Dropped > 50, $"dropped {file.Dropped}");
        Assert.True(file.Flush());

        var details = AllLetters(2).Select(l => l.GetProperty("detail").GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, (int)file.Count).Select(i => i.ToString()), details); // the first ones, whole
        Assert.InRange(new FileInfo(file.Path).Length, 1, fileBytes);

        // The budget is per fsync: after the flush there is room again.
        file.Add(Topic, new byte[300], "payload_too_large", "after");
        Assert.True(file.Flush());
        Assert.Equal("after", AllLetters(2)[^1].GetProperty("detail").GetString());
    }

    [Fact]
    public void Lines_InfluxDB_refused_count_against_the_same_budget()
    {
        using var file = new DeadLetterFile(_dir, settings: Bounded(4096, 1));
        var lines = Enumerable.Range(0, 40).Select(i => new Tracking.Influx.Writing.DeadLetter(i, "env,tag=a temp_c=" + new string('1', 200), 400, "bad", DateTimeOffset.UnixEpoch)).ToList();
        file.WriteAsync(lines, CancellationToken.None);
        Assert.True(file.Dropped > 0);
        Assert.Equal(40, file.Count + file.Dropped);
        Assert.Equal(file.Count, File.ReadAllLines(file.Path).Length);
    }

    [Fact]
    public void A_reopened_file_goes_on_after_its_last_whole_line_and_rotates_by_its_size_on_disk()
    {
        using (var file = new DeadLetterFile(_dir, settings: Bounded(4096, 2)))
        {
            file.Add(Topic, new byte[100], "bad_json", "first");
            Assert.True(file.Flush());
        }

        // A crash in the middle of a write: a torn last line, never fsynced, so its message was not acknowledged. It is
        // cut off on open and the next letter starts where it began.
        File.AppendAllText(Path.Combine(_dir, DeadLetterFile.FileName), "{\"time\":\"2026-");
        using (var file = new DeadLetterFile(_dir, settings: Bounded(4096, 2)))
        {
            file.Add(Topic, new byte[100], "bad_json", "second");
            Assert.True(file.Flush());
        }

        string[] lines = File.ReadAllLines(Path.Combine(_dir, DeadLetterFile.FileName));
        Assert.Equal(2, lines.Length);
        Assert.Equal("first", JsonDocument.Parse(lines[0]).RootElement.GetProperty("detail").GetString());
        Assert.Equal("second", JsonDocument.Parse(lines[1]).RootElement.GetProperty("detail").GetString());

        // The size already on disk counts: a file opened near its bound rotates on the first flush that would pass it.
        File.AppendAllText(Path.Combine(_dir, DeadLetterFile.FileName), new string(' ', 3900) + "\n");
        using (var file = new DeadLetterFile(_dir, settings: Bounded(4096, 2)))
        {
            file.Add(Topic, new byte[100], "bad_json", "third");
            Assert.True(file.Flush());
            Assert.Equal(1, file.Rotations);
        }

        Assert.Equal("third", JsonDocument.Parse(Assert.Single(File.ReadAllLines(Path.Combine(_dir, DeadLetterFile.FileName)))).RootElement.GetProperty("detail").GetString());
        Assert.Contains("\"second\"", File.ReadAllText(Path.Combine(_dir, "dead-letters.1.jsonl")));
    }

    [Fact]
    public void With_one_file_a_rotation_starts_it_afresh()
    {
        using var file = new DeadLetterFile(_dir, settings: Bounded(4096, 1));
        for (int i = 0; i < 30; i++)
        {
            file.Add(Topic, new byte[300], "bad_json", i.ToString());
            Assert.True(file.Flush());
        }

        Assert.Equal([DeadLetterFile.FileName], LetterFiles());
        Assert.InRange(new FileInfo(file.Path).Length, 1, 4096);
        Assert.Equal("29", AllLetters(1)[^1].GetProperty("detail").GetString());
    }

    /// <summary>
    /// Any sequence of letters (sizes, truncation) and flushes: each letter is counted as kept or dropped; every file
    /// stays within MaxFileBytes and there are at most MaxFiles; what is on disk is the kept letters' newest run, in
    /// order, nothing missing in between.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 40)]
    public void Any_flood_stays_within_the_bound_and_keeps_a_gapless_newest_run(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        string dir = Path.Combine(_dir, seed.Get.ToString());
        var settings = Bounded(4096 + random.Next(8192), 1 + random.Next(4), payloadBytes: random.Next(2000));
        var kept = new List<int>();
        long before = 0;
        using (var file = new DeadLetterFile(dir, settings: settings))
        {
            for (int step = 0; step < 200; step++)
            {
                if (random.Next(4) == 0)
                {
                    Assert.True(file.Flush());
                    continue;
                }

                file.Add(Topic, new byte[random.Next(3000)], "bad_json", step.ToString());
                if (file.Count > before) kept.Add(step);
                before = file.Count;
            }

            Assert.Equal(kept.Count, file.Count);
            Assert.True(file.Flush());
        }

        string[] names = Directory.GetFiles(dir, "dead-letters*.jsonl");
        Assert.InRange(names.Length, 1, settings.MaxFiles);
        Assert.All(names, n => Assert.InRange(new FileInfo(n).Length, 0, settings.MaxFileBytes));
        var onDisk = new List<int>();
        for (int generation = settings.MaxFiles - 1; generation >= 0; generation--)
        {
            string path = Path.Combine(dir, generation == 0 ? DeadLetterFile.FileName : $"dead-letters.{generation}.jsonl");
            if (!File.Exists(path)) continue;
            foreach (string line in File.ReadAllLines(path))
            {
                JsonElement letter = JsonDocument.Parse(line).RootElement;
                Assert.InRange(letter.GetProperty("payload").GetBytesFromBase64().Length, 0, settings.MaxPayloadBytes);
                onDisk.Add(int.Parse(letter.GetProperty("detail").GetString()!));
            }
        }

        Assert.Equal(kept.TakeLast(onDisk.Count), onDisk);
        if (kept.Count > 0) Assert.NotEmpty(onDisk);
    }
}
