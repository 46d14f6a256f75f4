using System.Diagnostics;
using System.Text;

namespace Tracking.Testing.Tests;

/// <summary>mosquitto_pub / mosquitto_sub as an independent MQTT client, to check the server fixtures themselves.</summary>
internal static class MosquittoClientTools
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>Runs mosquitto_pub with <paramref name="arguments"/> (after -h/-p) and waits for it.</summary>
    public static async Task<Result> PublishAsync(string host, int port, params string[] arguments)
    {
        using var process = Start("mosquitto_pub", host, port, arguments);
        var output = ReadAllAsync(process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output);
    }

    /// <summary>Starts mosquitto_sub -d and returns once the broker acknowledged the subscription.</summary>
    public static async Task<Subscriber> SubscribeAsync(string host, int port, params string[] arguments)
    {
        // mosquitto_sub block-buffers a piped stdout; line buffering lets us see SUBACK when it happens.
        var subscriber = new Subscriber(Start("mosquitto_sub", host, port, ["-d", "-W", "60", .. arguments], lineBuffered: true));
        await subscriber.Subscribed.WaitAsync(TimeSpan.FromSeconds(60));
        return subscriber;
    }

    private static Process Start(string tool, string host, int port, IEnumerable<string> arguments, bool lineBuffered = false)
    {
        var toolPath = ServerBinaries.Require(tool, "mosquitto-clients");
        var info = new ProcessStartInfo(lineBuffered ? ServerBinaries.Require("stdbuf", "coreutils") : toolPath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var prefix = lineBuffered ? new[] { "-oL", toolPath } : [];
        foreach (var argument in prefix.Concat(["-h", host, "-p", port.ToString()]).Concat(arguments)) info.ArgumentList.Add(argument);
        return Process.Start(info)!;
    }

    private static async Task<string> ReadAllAsync(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        return await stdout + await stderr;
    }

    public sealed class Subscriber : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Subscriber(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Task Subscribed => _subscribed.Task;

        /// <summary>Waits for mosquitto_sub to exit (-C N reached, or -W timeout) and returns everything it printed.</summary>
        public async Task<Result> ExitAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await _process.WaitForExitAsync(timeout.Token);
            lock (_output) return new Result(_process.ExitCode, _output.ToString());
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.Dispose();
        }

        private void OnLine(string? line)
        {
            if (line is null) return;
            lock (_output) _output.AppendLine(line);
            if (line.Contains("received SUBACK", StringComparison.Ordinal)) _subscribed.TrySetResult();
        }
    }
}
