using System.Diagnostics;
using System.Globalization;

namespace Tracking.Bench;

internal static class BenchSupport
{
    public static int IntOption(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return fallback;
        if (i + 1 >= args.Length || !int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int v) || v <= 0)
            throw new ArgumentException($"{name} needs a positive whole number");
        return v;
    }

    /// <summary>
    /// For profiling (bench/README.md): when TRACKING_BENCH_MARK names a file, writes <paramref name="processId"/> (the
    /// process to profile) to it, so the file exists exactly while the measured part runs; returns its path for
    /// <see cref="EndProfileMark"/>.
    /// </summary>
    public static string? BeginProfileMark(int processId)
    {
        string? mark = Environment.GetEnvironmentVariable("TRACKING_BENCH_MARK");
        if (mark is not null) File.WriteAllText(mark, processId.ToString(CultureInfo.InvariantCulture));
        return mark;
    }

    /// <summary>Ends what <see cref="BeginProfileMark"/> began.</summary>
    public static void EndProfileMark(string? mark)
    {
        if (mark is not null) File.Delete(mark);
    }

    /// <summary>
    /// How to start this benchmark binary again as a child process running <paramref name="arguments"/>. Under
    /// <c>dotnet Tracking.Bench.dll ...</c> this process is the dotnet host, which needs the dll path first; under
    /// <c>dotnet run</c> (or ./Tracking.Bench) it is the apphost, which must not get it (it would read the dll path as
    /// the benchmark's name: "publisher did not start").
    /// </summary>
    public static ProcessStartInfo SelfProcess(string arguments)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("no path of this process");
        string self = typeof(BenchSupport).Assembly.Location;
        return IsDotnetHost(host) ? new ProcessStartInfo(host, $"\"{self}\" {arguments}") : new ProcessStartInfo(host, arguments);
    }

    /// <summary>
    /// The executable and first arguments that run another framework-dependent app <paramref name="dll"/>: this
    /// process's dotnet host when it is one, else the app's own apphost beside the dll (built with it), else
    /// <c>dotnet</c> from DOTNET_HOST_PATH or PATH.
    /// </summary>
    public static (string File, string[] Arguments) AppCommand(string dll)
    {
        string? host = Environment.ProcessPath;
        if (host is not null && IsDotnetHost(host)) return (host, [dll]);
        string apphost = Path.ChangeExtension(dll, null);
        if (File.Exists(apphost)) return (apphost, []);
        return (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [dll]);
    }

    private static bool IsDotnetHost(string path) =>
        Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Peak resident set size of this process (VmHWM), in bytes.</summary>
    /// <summary>
    /// Starts a new peak-RSS window (Linux: writing 5 to /proc/self/clear_refs resets VmHWM to the current RSS), so
    /// one part of a run that has several clients in one process can be measured alone. False where not supported.
    /// </summary>
    public static bool ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static long PeakRssBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    public static async Task<(int ExitCode, string Output)> RunProcessAsync(string file, string arguments, string? stdin = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false,
        };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        var drainOut = p.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var err = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {arguments} did not finish");
        }
        await drainOut;
        return (p.ExitCode, await err);
    }

    /// <summary>User + system CPU time of a process so far, from /proc (0 when it is gone).</summary>
    public static double CpuSecondsOf(int? pid)
    {
        if (pid is null) return 0;
        try
        {
            // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15, in clock ticks.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Busy and total CPU time of the whole machine, all cores, from /proc/stat.</summary>
    public static (double Busy, double Total) MachineCpuSeconds()
    {
        string[] f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double total = 0, idle = 0;
        for (int i = 1; i < f.Length; i++)
        {
            double v = long.Parse(f[i], CultureInfo.InvariantCulture) / ClockTicksPerSecond;
            total += v;
            if (i is 4 or 5) idle += v; // idle, iowait
        }
        return (total - idle, total);
    }

    // USER_HZ is 100 on every Linux architecture .NET runs on.
    private const double ClockTicksPerSecond = 100.0;

    public static void Progress(string what, int done, int total)
    {
        if (Console.IsOutputRedirected) return;
        int width = 30, filled = total == 0 ? width : done * width / total;
        Console.Write($"\r  {what,-28} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total}   ");
        if (done >= total) Console.Write('\r' + new string(' ', 80) + '\r');
    }
}
