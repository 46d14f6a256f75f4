using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Testing;

namespace Tracking.Gateway.Rules.Tests.Store;

/// <summary>
/// The private PostgreSQL fixture: not root, its socket in its own directory, data kept over a restart (and the store's
/// alerts with it), nothing left behind once disposed.
/// </summary>
public sealed class PostgresServerTests
{
    [Fact]
    public async Task Postgres_runs_unprivileged_keeps_data_over_a_restart_and_leaves_nothing_behind()
    {
        PostgresServer server = await PostgresServer.StartAsync();
        string directory = server.DataDirectory;
        int pid = server.ProcessId!.Value;
        try
        {
            Assert.NotEqual("0", Uid(pid));
            Assert.True(File.Exists(Path.Combine(directory, $".s.PGSQL.{server.Port}")), "the Unix socket is in the instance directory");

            await server.CreateDatabaseAsync("odd \"name\"");
            Assert.Equal(1L, await server.ExecuteAsync("SELECT COUNT(*) FROM pg_database WHERE datname = 'odd \"name\"'"));

            await server.CreateDatabaseAsync("restart");
            await using PostgresRuleStore store = await PostgresRuleStore.OpenAsync(server.ConnectionString("restart"));
            Alert alert = (await store.OpenAlertAsync(new Alert
            {
                Key = "k", Container = new ContainerKey("acme", "CSQU3054383"), Kind = "temp_high", Severity = Severity.Alarm,
                Since = DateTimeOffset.UnixEpoch, RaisedAt = DateTimeOffset.UnixEpoch,
            })).Alert;

            await server.StopAsync();
            await server.StartAgainAsync();

            // The same store instance: its pooled connections died with the server, the next call must not fail for it.
            Assert.Equal(alert, await store.GetAlertAsync(alert.Id));
            Assert.False((await store.OpenAlertAsync(alert)).Created);
        }
        finally
        {
            await server.DisposeAsync();
        }
        Assert.False(Directory.Exists(directory));
        Assert.False(File.Exists($"/proc/{pid}/status") && Uid(pid) is not null, "postgres still runs after dispose");
    }

    [Fact]
    public async Task A_killed_server_starts_again_with_its_committed_data_and_the_store_carries_on()
    {
        await using PostgresServer server = await PostgresServer.StartAsync();
        await server.ExecuteAsync("CREATE TABLE kept (n INTEGER); INSERT INTO kept VALUES (7)");
        await server.CreateDatabaseAsync("crash");
        await using PostgresRuleStore store = await PostgresRuleStore.OpenAsync(server.ConnectionString("crash"));
        var box = new ContainerKey("acme", "CSQU3054383");
        await store.SaveStateAsync(box, new byte[] { 1, 2 });

        await server.KillAsync();
        await server.StartAgainAsync();

        Assert.Equal(7, await server.ExecuteAsync("SELECT n FROM kept"));
        // No goodbye from a killed server: the pooled connection just reads end of stream.
        Assert.Equal(new byte[] { 1, 2 }, (await store.LoadStateAsync(box))!.State);
    }

    /// <summary>The real uid of a process, from /proc; null when it is gone.</summary>
    private static string? Uid(int pid)
    {
        try
        {
            string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        }
        catch (IOException)
        {
            return null;
        }
    }
}
