using Npgsql;

namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// The leases of one gateway: session-level PostgreSQL advisory locks held on one dedicated connection. A lock is the
/// lease of partition p (key pair (namespace, p)); a shared lock on (<see cref="MemberNamespace"/>, 0) says the gateway is alive, so
/// counting those holders counts the live gateways without heartbeats.
/// <para>
/// Why advisory locks rather than lease rows with an expiry: the server releases them the moment the holder's session
/// ends (a SIGKILLed process's socket closes at once), so a takeover needs no expiry to pass and no clock to agree on,
/// and no heartbeat writes. What they cannot tell is a holder whose connection died without it noticing yet; the epoch
/// check of every save (<see cref="SharedRuleLog.SaveAsync"/>) covers that. The server notices a dead peer that sent no
/// FIN only by TCP keepalive, so the connection sets it (<see cref="KeepAliveSeconds"/>).
/// </para>
/// </summary>
public sealed class PartitionLeases : IAsyncDisposable
{
    /// <summary>The advisory lock namespace ("TrkS"): the first key of every lock here.</summary>
    public const int Namespace = 0x54726B53;

    /// <summary>The namespace ("TrkM") of the shared lock every live gateway holds.</summary>
    public const int MemberNamespace = 0x54726B4D;

    /// <summary>Seconds of silence after which the server probes a lease connection (and ends it unanswered, releasing the leases).</summary>
    public const int KeepAliveSeconds = 10;

    private readonly NpgsqlConnection _connection;
    private readonly HashSet<int> _held = [];

    private PartitionLeases(NpgsqlConnection connection) => _connection = connection;

    public IReadOnlyCollection<int> Held => _held;

    /// <summary>The server's process id of the lease session (in pg_locks; tests end it to simulate a dead gateway).</summary>
    public int ProcessId => _connection.ProcessID;

    /// <summary>Opens the lease connection (not pooled: its session is the lease) and joins the gateways.</summary>
    public static async Task<PartitionLeases> JoinAsync(string connectionString, CancellationToken ct = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            KeepAlive = KeepAliveSeconds,
            TcpKeepAlive = true,
            ApplicationName = "tracking-rules-lease",
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            // The server side too: a lease holder whose machine vanished is dropped after about a minute, not two hours.
            await using (var keep = new NpgsqlCommand(
                $"SET tcp_keepalives_idle = {KeepAliveSeconds}; SET tcp_keepalives_interval = {KeepAliveSeconds}; SET tcp_keepalives_count = 3", connection))
            {
                await keep.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            await using var join = new NpgsqlCommand($"SELECT pg_advisory_lock_shared({MemberNamespace}, 0)", connection);
            await join.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return new PartitionLeases(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The gateways alive now (holding the member lock in this database), this one included. Also proves the lease session is alive.</summary>
    public async Task<int> LiveMembersAsync(CancellationToken ct = default)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT COUNT(*) FROM pg_locks
            WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND classid = '{MemberNamespace}'::oid AND objid = '0'::oid AND objsubid = 2 AND granted
            """, _connection);
        return (int)(long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    /// <summary>Takes partition p's lease if no other gateway holds it.</summary>
    public async Task<bool> TryAcquireAsync(int partition, CancellationToken ct = default)
    {
        if (_held.Contains(partition)) return true;
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_lock({Namespace}, @p)", _connection);
        command.Parameters.AddWithValue("p", partition);
        bool got = (bool)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        if (got) _held.Add(partition);
        return got;
    }

    public async Task ReleaseAsync(int partition, CancellationToken ct = default)
    {
        if (!_held.Remove(partition)) return;
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({Namespace}, @p)", _connection);
        command.Parameters.AddWithValue("p", partition);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Closes the session: the server releases every lease at once.</summary>
    public async ValueTask DisposeAsync()
    {
        _held.Clear();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
