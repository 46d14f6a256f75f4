using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Tracking.Testing.Processes;

namespace Tracking.Testing;

/// <summary>
/// A private PostgreSQL server (Debian's postgresql, 15 or whichever major version is installed) on 127.0.0.1: initdb
/// into its own directory under TEMP/tracking-tests/ (trust authentication, superuser <see cref="User"/>), a free port,
/// its Unix socket in that directory. postgres refuses to run as root: when the tests are root it runs as the OS user
/// 'postgres' (setpriv, which execs in place so the process held and signalled is postgres itself). Stopped with SIGINT
/// (fast shutdown: pooled client connections would hold up SIGTERM's smart shutdown) and deleted on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The superuser initdb creates.</summary>
    public const string User = "postgres";

    private const int FreshPortAttempts = 5;
    private const string ReadyLogLine = "database system is ready to accept connections";
    private static readonly TimeSpan InitdbTimeout = TimeSpan.FromSeconds(120);
    private readonly InstanceDirectory _directory;
    private readonly ServerProcess _process;

    private PostgresServer(InstanceDirectory directory, int port, ServerProcess process)
    {
        _directory = directory;
        Port = port;
        _process = process;
    }

    public int Port { get; }

    /// <summary>The instance directory: data/ (the cluster), postgresql.conf, the socket and the log.</summary>
    public string DataDirectory => _directory.Path;

    /// <summary>The server's process id (the postmaster) while it runs.</summary>
    public int? ProcessId => _process.ProcessId;

    /// <summary>Runs initdb, starts postgres on a free port and returns once it answers a query.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        string bin = BinDirectory();
        ServiceAccount? account = null;
        string? setpriv = null;
        if (ServiceAccount.RunningAsRoot)
        {
            account = ServiceAccount.Require("postgres", "postgresql");
            setpriv = ServerBinaries.Require("setpriv", "util-linux");
        }
        var directory = InstanceDirectory.Create("postgres");
        try
        {
            // initdb (as that user) creates data/ inside, and postgres puts its socket and lock file here.
            account?.Own(directory.Path);
            await InitdbAsync(directory, Command(account, setpriv, Path.Combine(bin, "initdb"),
                ["-D", directory.File("data"), "-U", User, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"]), ct)
                .ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                // A free port can be taken by someone else before postgres binds it: pick another then.
                int port = FreePort.Get();
                ServerProcess process = CreateProcess(directory, Command(account, setpriv, Path.Combine(bin, "postgres"),
                    ["-D", directory.File("data"), "-c", $"config_file={directory.File("postgresql.conf")}"]), port);
                try
                {
                    await process.StartAsync(ct).ConfigureAwait(false);
                    return new PostgresServer(directory, port, process);
                }
                catch (ServerStartException e) when (e.AddressInUse && attempt < FreshPortAttempts)
                {
                }
            }
        }
        catch
        {
            directory.Delete();
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/> as the superuser (no password: trust on loopback).</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Database = database,
    }.ConnectionString;

    /// <summary>Creates an empty database; a test that wants a fresh one gives a new name.</summary>
    public Task CreateDatabaseAsync(string name, CancellationToken ct = default) =>
        ExecuteAsync($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", ct: ct);

    /// <summary>Runs SQL (outside a transaction, so CREATE DATABASE works) and returns the first column of the first row.</summary>
    public async Task<object?> ExecuteAsync(string sql, string database = "postgres", CancellationToken ct = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString(database)) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    /// <summary>SIGINT (fast shutdown: clients are disconnected, everything committed is kept) and wait for exit.</summary>
    public Task StopAsync() => _process.StopAsync();

    /// <summary>
    /// SIGKILL of the postmaster; its backends notice and exit on their own. Returns once they have too: until then they
    /// hold the old shared memory, and a postmaster started meanwhile refuses to run.
    /// </summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Starts again with the same port and data; waits until it answers.</summary>
    public Task StartAgainAsync(CancellationToken ct = default) => _process.StartAgainAsync(ct);

    public string ReadLog() => _process.ReadLog();

    /// <summary>Stops postgres and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync().ConfigureAwait(false);
        _directory.Delete();
    }

    /// <summary>The newest /usr/lib/postgresql/N/bin with initdb and postgres (Debian keeps them off PATH), else PATH.</summary>
    private static string BinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (Directory.Exists(root))
        {
            var newest = Directory.GetDirectories(root)
                .Select(d => (Path: Path.Combine(d, "bin"), Major: int.TryParse(Path.GetFileName(d), out int major) ? major : -1))
                .Where(d => d.Major > 0 && File.Exists(Path.Combine(d.Path, "initdb")) && File.Exists(Path.Combine(d.Path, "postgres")))
                .OrderByDescending(d => d.Major)
                .FirstOrDefault();
            if (newest.Path is not null) return newest.Path;
        }
        return Path.GetDirectoryName(ServerBinaries.Require("initdb", "postgresql"))!;
    }

    private static IReadOnlyList<string> Command(ServiceAccount? account, string? setpriv, string executable, IReadOnlyList<string> arguments) =>
        account is null ? [executable, .. arguments] : account.Wrap(setpriv!, executable, arguments);

    private static async Task InitdbAsync(InstanceDirectory directory, IReadOnlyList<string> command, CancellationToken ct)
    {
        var info = new ProcessStartInfo(command[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory.Path,
        };
        foreach (string argument in command.Skip(1)) info.ArgumentList.Add(argument);
        RemovePostgresEnvironment(info.Environment);
        using var initdb = Process.Start(info) ?? throw new InvalidOperationException($"could not start {command[0]}");
        Task<string> output = initdb.StandardOutput.ReadToEndAsync(ct);
        Task<string> error = initdb.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(InitdbTimeout);
        try
        {
            await initdb.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            initdb.Kill();
            throw;
        }
        if (initdb.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"initdb failed (exit {initdb.ExitCode}): {await output.ConfigureAwait(false)}{await error.ConfigureAwait(false)}");
        }
    }

    private static ServerProcess CreateProcess(InstanceDirectory directory, IReadOnlyList<string> command, int port)
    {
        File.WriteAllText(directory.File("postgresql.conf"), ConfigTemplate.Render("postgresql.conf.in", new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["SOCKET_DIR"] = directory.Path,
        }));
        string probe = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = User, Database = "postgres", Pooling = false, Timeout = 2,
        }.ConnectionString;
        return new ServerProcess("postgres", directory, directory.File("postgres.log"), command[0], [.. command.Skip(1)],
            async ct =>
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync(ct).ConfigureAwait(false);
                await using var select = new NpgsqlCommand("SELECT 1", connection);
                return await select.ExecuteScalarAsync(ct).ConfigureAwait(false) is 1;
            },
            $"127.0.0.1:{port}", readyLogLine: ReadyLogLine)
        {
            // PGDATA, PGPORT and friends would override what this instance is told.
            RemoveEnvironmentPrefix = "PG",
            StopSignal = Signals.SigInt,
        };
    }

    private static void RemovePostgresEnvironment(IDictionary<string, string?> environment)
    {
        foreach (string key in environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList()) environment.Remove(key);
    }
}
