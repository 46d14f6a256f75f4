using System.Diagnostics;

namespace Tracking.Chaos.Tests;

/// <summary>
/// Steps the gateway's clock while it runs: the gateway reads <c>Clock:Offset</c> from its <c>--config</c> file and again
/// whenever the file changes (gateway README, "Clock"). One file per test process (the chaos theory runs a scenario once);
/// it starts at offset 0.
/// </summary>
public static class GatewayClockFile
{
    /// <summary>The gateway logs each step with this text (event 961).</summary>
    private const string SteppedLog = "Clock:Offset changed from";

    private static readonly string Path = WriteInitial();

    /// <summary>
    /// The size of each step of <c>clock-step</c>: 3 h, longer than the profile's 130-min silence limit (silence runs on
    /// the monotonic clock, so no tag may go silent), or TRACKING_CHAOS_CLOCK_STEP (a time span).
    /// </summary>
    public static TimeSpan Step =>
        TimeSpan.TryParse(Environment.GetEnvironmentVariable("TRACKING_CHAOS_CLOCK_STEP"), System.Globalization.CultureInfo.InvariantCulture, out TimeSpan step)
            ? step : TimeSpan.FromHours(3);

    /// <summary>The gateway's arguments that make it read its clock's offset from the file.</summary>
    public static IReadOnlyList<string> Arguments => ["--config", Path];

    /// <summary>
    /// Sets the gateway's offset to <paramref name="offset"/> (a step by the difference to the one before) and waits until
    /// the gateway has logged the step; throws when it does not within 30 s (the scenario would test nothing).
    /// </summary>
    public static async Task StepToAsync(ChaosRig rig, TimeSpan offset)
    {
        int before = Count(rig.Gateway.Output);
        Write(offset);
        var sw = Stopwatch.StartNew();
        while (Count(rig.Gateway.Output) == before)
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"the gateway did not step its clock to {offset} within 30 s");
            await Task.Delay(50);
        }
        rig.Log($"gateway clock at {offset:c} ({sw.Elapsed.TotalSeconds:0.0} s to apply)");
    }

    private static int Count(string output)
    {
        int count = 0;
        for (int at = output.IndexOf(SteppedLog, StringComparison.Ordinal); at >= 0; at = output.IndexOf(SteppedLog, at + 1, StringComparison.Ordinal)) count++;
        return count;
    }

    private static string WriteInitial()
    {
        string dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tracking-tests");
        Directory.CreateDirectory(dir);
        string path = System.IO.Path.Combine(dir, $"chaos-clock-{Environment.ProcessId}.json");
        Write(path, TimeSpan.Zero);
        return path;
    }

    private static void Write(TimeSpan offset) => Write(Path, offset);

    // Written whole to a temporary file and moved over the old one: the gateway's file watcher never reads half a file.
    private static void Write(string path, TimeSpan offset)
    {
        File.WriteAllText(path + ".tmp", $$"""{ "Clock": { "Offset": "{{offset:c}}" } }""");
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
