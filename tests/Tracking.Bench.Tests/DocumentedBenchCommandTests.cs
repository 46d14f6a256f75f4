using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Tracking.Bench.Tests;

/// <summary>
/// Every benchmark bench/README.md documents runs with the command it gives, at a tiny size, so a broken benchmark
/// cannot land (the figures of such a run mean nothing; the full sizes are for a quiet machine). Release is built once
/// first, with a time limit of its own (on a fresh clone beside other builds it can take minutes), so a run's 5 minutes
/// are the benchmark's alone; the documented command then finds the build up to date.
/// </summary>
public sealed partial class DocumentedBenchCommandTests
{
    /// <summary>Tiny options per documented benchmark; a benchmark the README adds without one here fails the test.</summary>
    private static readonly Dictionary<string, string[]> TinyOptions = new(StringComparer.Ordinal)
    {
        ["mqtt-subscribe"] = ["--messages", "2000", "--rounds", "1"],
        // One reading per container and second at most: the latency run keys readings by (container, time), and two
        // readings of one container in the same millisecond would be one point in InfluxDB.
        ["ingest"] = ["--readings", "1500", "--containers", "300", "--rate", "300", "--latency-seconds", "2", "--outage-seconds", "3", "--rounds", "1", "--rules", "both"],
        ["firmware"] = ["--tags", "2", "--days", "2"],
        ["line-protocol"] = ["--points", "2000"],
        ["prediction"] = ["--seeds", "2", "--days", "1"],
        ["report"] = ["--days", "2", "--rounds", "2"],
        ["rules"] = ["--containers", "200", "--warmup-per-container", "10", "--readings-per-container", "5"],
        ["fleet-list"] = ["--containers", "500", "--requests", "20"],
        ["dashboard-render"] = ["--containers", "200", "--rounds", "1"],
        ["history"] = ["--days", "2", "--rounds", "3"],
        // As ingest's: one reading per container and second at most (the lag run keys nothing, but the same publisher).
        ["sse-fanout"] = ["--clients", "5", "--readings", "1500", "--containers", "300", "--rounds", "1", "--rate", "300", "--lag-seconds", "2"],
    };

    /// <summary>Benchmarks with a test of their own, so one can be run alone (<c>dotnet test --filter prediction</c>); the loop skips them.</summary>
    private static readonly HashSet<string> OwnTest = new(StringComparer.Ordinal) { "prediction", "report", "fleet-list", "history", "sse-fanout" };

    private static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tracking.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Tracking.sln not found above " + AppContext.BaseDirectory);
        }
    }

    [GeneratedRegex(@"^\| `(?<name>[a-z0-9-]+)[ `]", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [Fact]
    public async Task Every_documented_benchmark_runs_with_the_documented_command()
    {
        string readme = await File.ReadAllTextAsync(Path.Combine(Root, "bench", "README.md"));
        const string command = "dotnet run -c Release --project bench/Tracking.Bench -- <benchmark> [options]";
        Assert.Contains(command, readme);
        var documented = TableRow().Matches(readme).Select(m => m.Groups["name"].Value).ToList();
        Assert.NotEmpty(documented);
        Assert.Empty(documented.Except(TinyOptions.Keys));

        foreach (string benchmark in documented.Except(OwnTest)) await RunDocumentedAsync(benchmark);
    }

    [Fact]
    public async Task The_prediction_benchmark_runs_with_the_documented_command()
    {
        string readme = await File.ReadAllTextAsync(Path.Combine(Root, "bench", "README.md"));
        Assert.Contains("prediction", TableRow().Matches(readme).Select(m => m.Groups["name"].Value));
        await RunDocumentedAsync("prediction");
    }

    [Fact]
    public async Task The_report_benchmark_runs_with_the_documented_command()
    {
        string readme = await File.ReadAllTextAsync(Path.Combine(Root, "bench", "README.md"));
        Assert.Contains("report", TableRow().Matches(readme).Select(m => m.Groups["name"].Value));
        await RunDocumentedAsync("report");
    }

    [Fact]
    public async Task The_fleet_list_benchmark_runs_with_the_documented_command()
    {
        string readme = await File.ReadAllTextAsync(Path.Combine(Root, "bench", "README.md"));
        Assert.Contains("fleet-list", TableRow().Matches(readme).Select(m => m.Groups["name"].Value));
        await RunDocumentedAsync("fleet-list");
    }

    [Fact]
    public async Task The_history_benchmark_runs_with_the_documented_command()
    {
        string readme = await File.ReadAllTextAsync(Path.Combine(Root, "bench", "README.md"));
        Assert.Contains("history", TableRow().Matches(readme).Select(m => m.Groups["name"].Value));
        string output = await RunDocumentedAsync("history");
        // Both ranges measured, each beside its raw limit (a benchmark that printed no figure would pass the generic check).
        Assert.Contains("2 days   GET readings through the gateway", output);
        Assert.Contains("24 h     GET readings through the gateway", output);
        Assert.Contains("raw influxd query", output);
    }

    [Fact]
    public async Task The_sse_fanout_benchmark_runs_with_the_documented_command()
    {
        string readme = await File.ReadAllTextAsync(Path.Combine(Root, "bench", "README.md"));
        Assert.Contains("sse-fanout", TableRow().Matches(readme).Select(m => m.Groups["name"].Value));
        string output = await RunDocumentedAsync("sse-fanout");
        // Exit 0 already means every client had every reading (counted in readings events); the figures must be there too.
        Assert.Contains("5 of 5 clients received all 1,500 readings", output);
        Assert.Contains("drop", output);
        Assert.Contains("lag at 300 msg/s", output);
    }

    private static readonly Lazy<Task> ReleaseBuild = new(async () =>
    {
        var (exit, output) = await RunAsync(["build", "-c", "Release", "bench/Tracking.Bench"], TimeSpan.FromMinutes(20));
        Assert.True(exit == 0, $"building bench/Tracking.Bench in Release failed:\n{output}");
    });

    private static async Task<string> RunDocumentedAsync(string benchmark)
    {
        await ReleaseBuild.Value;
        var (exit, output) = await RunAsync(["run", "-c", "Release", "--project", "bench/Tracking.Bench", "--", benchmark, .. TinyOptions[benchmark]]);
        Assert.True(exit == 0, $"{benchmark} exited {exit}:\n{output}");
        Assert.Contains("target", output); // each prints its figures against its targets
        return output;
    }

    private static async Task<(int Exit, string Output)> RunAsync(string[] args, TimeSpan? limit = null)
    {
        TimeSpan within = limit ?? TimeSpan.FromMinutes(5);
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Root, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        process.StandardInput.Close(); // a benchmark must not wait for a terminal
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} ran over {within.TotalMinutes} minutes:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
