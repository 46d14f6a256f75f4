using System.Diagnostics;
using System.Text;

namespace Tracking.Testing.Processes;

/// <summary>
/// One server program run inside an <see cref="InstanceDirectory"/>: started with its output appended to a
/// log file (a shell redirect, so no pipe can fill up and stall it), probed until it answers, stopped with
/// SIGTERM (then SIGKILL) or killed (it and the processes it forked). Can be launched again with the same command line.
/// </summary>
internal sealed class ServerProcess
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ExitPollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan AddressInUseRetryWindow = TimeSpan.FromSeconds(20);

    private readonly string _name;
    private readonly InstanceDirectory _directory;
    private readonly string _executable;
    private readonly IReadOnlyList<string> _arguments;
    private readonly Func<CancellationToken, Task<bool>> _probe;
    private readonly string _endpoint;
    private readonly string? _readyLogLine;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;

    /// <param name="name">Shown in messages, e.g. "mosquitto".</param>
    /// <param name="probe">True once the server answers its protocol; exceptions count as "not yet".</param>
    /// <param name="endpoint">Shown in messages, e.g. "127.0.0.1:1883".</param>
    /// <param name="readyLogLine">
    /// Text the server logs once its listener is bound. Required as well as a successful probe, so that a
    /// foreign process that grabbed the port first is not mistaken for our server.
    /// </param>
    public ServerProcess(string name, InstanceDirectory directory, string logPath, string executable,
        IReadOnlyList<string> arguments, Func<CancellationToken, Task<bool>> probe, string endpoint, string? readyLogLine)
    {
        _readyLogLine = readyLogLine;
        _name = name;
        _directory = directory;
        LogPath = logPath;
        _executable = executable;
        _arguments = arguments;
        _probe = probe;
        _endpoint = endpoint;
    }

    public string LogPath { get; }

    /// <summary>The signal of a clean stop: SIGTERM, except for servers that read it otherwise (PostgreSQL: SIGINT).</summary>
    public int StopSignal { get; init; } = Signals.SigTerm;

    /// <summary>Variables removed from the server's environment (e.g. INFLUXDB_* overrides of its config file).</summary>
    public string? RemoveEnvironmentPrefix { get; init; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The running server's process id (benchmarks read its CPU time), or null when stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Starts the program and waits until it answers; throws <see cref="ServerStartException"/> with the log tail otherwise.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (IsRunning) throw new InvalidOperationException($"{_name} on {_endpoint} is already running.");
            await StartCoreAsync(ct).ConfigureAwait(false);
        }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// Starts again on the same port. The port may briefly still be held (TIME_WAIT, a slow exit of the
    /// previous instance, a client's lingering socket), so "address in use" is retried for a while.
    /// </summary>
    public async Task StartAgainAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + AddressInUseRetryWindow;
        while (true)
        {
            try
            {
                await StartAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (ServerStartException e) when (e.AddressInUse && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary><see cref="StopSignal"/>, then SIGKILL if it has not exited after the grace period. No-op when not running.</summary>
    public Task StopAsync() => EndAsync(StopSignal);

    /// <summary>
    /// SIGKILL: an abrupt crash, no chance to save state. Returns once the processes the server forked have gone too, so
    /// that it can start again at once. No-op when not running.
    /// </summary>
    public Task KillAsync() => EndAsync(Signals.SigKill);

    public string ReadLog()
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException) { return ""; }
        catch (DirectoryNotFoundException) { return ""; }
    }

    private async Task StartCoreAsync(CancellationToken ct)
    {
        var logStart = new FileInfo(LogPath) is { Exists: true } log ? log.Length : 0;
        var process = Launch();
        _process = process;
        ProcessTracker.Register(process);
        _directory.RecordServerPid(process.Id);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(StartTimeout);
        string? failure = null;
        try
        {
            while (failure is null)
            {
                if (process.HasExited)
                {
                    failure = $"{_name} exited with code {process.ExitCode} during start-up on {_endpoint}";
                    break;
                }
                if (await ProbeOnceAsync(timeout.Token).ConfigureAwait(false)
                    && (_readyLogLine is null || LogSince(logStart).Contains(_readyLogLine, StringComparison.Ordinal)))
                {
                    return;
                }
                await Task.Delay(ProbeInterval, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            failure = $"{_name} did not answer on {_endpoint} within {StartTimeout.TotalSeconds:0} s (pid {process.Id})";
        }
        catch (OperationCanceledException)
        {
            await EndCoreAsync(Signals.SigKill).ConfigureAwait(false);
            throw;
        }

        await EndCoreAsync(Signals.SigKill).ConfigureAwait(false);
        var newLog = LogSince(logStart);
        var addressInUse = newLog.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
        throw new ServerStartException($"{failure}. Last lines of {LogPath}:\n{Tail(newLog, 40)}", addressInUse);
    }

    /// <summary>The log text appended after byte offset <paramref name="start"/> (logs here are ASCII).</summary>
    private string LogSince(long start)
    {
        var log = ReadLog();
        return start <= log.Length ? log[(int)start..] : log;
    }

    private async Task<bool> ProbeOnceAsync(CancellationToken ct)
    {
        try { return await _probe(ct).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested) { return false; }
    }

    private Process Launch()
    {
        // exec keeps the PID: the Process we hold *is* the server, so signals reach it directly.
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = _directory.Path,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("log=$1; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null");
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add(LogPath);
        info.ArgumentList.Add(_executable);
        foreach (var argument in _arguments) info.ArgumentList.Add(argument);
        if (RemoveEnvironmentPrefix is { } prefix)
        {
            foreach (var key in info.Environment.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                info.Environment.Remove(key);
            }
        }
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {_executable}");
    }

    private async Task EndAsync(int signal)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try { await EndCoreAsync(signal).ConfigureAwait(false); }
        finally { _gate.Release(); }
    }

    private async Task EndCoreAsync(int signal)
    {
        var process = _process;
        if (process is null) return;
        if (!process.HasExited)
        {
            if (signal == Signals.SigKill)
            {
                await KillTreeAsync(process).ConfigureAwait(false);
            }
            else
            {
                Signals.Send(process.Id, signal);
                using var grace = new CancellationTokenSource(StopGrace);
                try { await process.WaitForExitAsync(grace.Token).ConfigureAwait(false); }
                catch (OperationCanceledException)
                {
                    await KillTreeAsync(process).ConfigureAwait(false);
                }
            }
        }
        ProcessTracker.Unregister(process);
        _directory.RecordServerPid(null);
        process.Dispose();
        _process = null;
    }

    /// <summary>
    /// SIGKILL, then waits until the server and every process it forked are gone. A killed server's children outlive it
    /// until they notice: postgres' backends, checkpointer and friends stay attached to its shared memory for a moment,
    /// and a postmaster started again meanwhile refuses to run ("pre-existing shared memory block ... is still in use").
    /// The server is frozen (SIGSTOP) while its children are listed, so it cannot fork one more that the list misses.
    /// They then end on their own, as after a real crash; any still there after <see cref="StopGrace"/> gets SIGKILL.
    /// </summary>
    private static async Task KillTreeAsync(Process process)
    {
        IReadOnlyList<(int Pid, long StartTime)> descendants = [];
        if (Signals.Send(process.Id, Signals.SigStop))
        {
            var frozenBy = DateTime.UtcNow + StopGrace;
            while (!ProcFs.IsStopped(process.Id) && ProcFs.StartTime(process.Id) is not null && DateTime.UtcNow < frozenBy)
            {
                await Task.Delay(ExitPollInterval).ConfigureAwait(false);
            }
            descendants = ProcFs.Descendants(process.Id);
        }
        Signals.Send(process.Id, Signals.SigKill);
        await process.WaitForExitAsync().ConfigureAwait(false);

        var deadline = DateTime.UtcNow + StopGrace;
        while (descendants.Where(d => ProcFs.StartTime(d.Pid) == d.StartTime).ToList() is { Count: > 0 } alive)
        {
            if (DateTime.UtcNow >= deadline)
            {
                foreach (var (pid, _) in alive) Signals.Send(pid, Signals.SigKill);
            }
            await Task.Delay(ExitPollInterval).ConfigureAwait(false);
        }
    }

    private static string Tail(string text, int lines)
    {
        var all = text.TrimEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
