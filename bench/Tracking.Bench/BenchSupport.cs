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

    /// <summary>Peak resident set size of this process (VmHWM), in bytes.</summary>
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

    public static void Progress(string what, int done, int total)
    {
        if (Console.IsOutputRedirected) return;
        int width = 30, filled = total == 0 ? width : done * width / total;
        Console.Write($"\r  {what,-28} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total}   ");
        if (done >= total) Console.Write('\r' + new string(' ', 80) + '\r');
    }
}
