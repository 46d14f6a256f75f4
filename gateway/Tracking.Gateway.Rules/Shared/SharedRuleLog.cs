using Npgsql;
using NpgsqlTypes;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// The shared input log and partition positions in the PostgreSQL store (migration 3, README.md "Several gateways").
/// Every gateway appends what its spool hands its rules feed; the owner of a partition reads it in log order.
/// <para>
/// Order: a row's seq is taken from its partition's counter row, locked (FOR UPDATE) until the appending transaction
/// commits, so rows of a partition become visible in seq order: a reader that has seen seq n has seen every committed row
/// below it and none below it can appear later. (A BIGSERIAL would not do: two transactions commit in either order, and
/// a reader past the later one would skip the earlier one for good.) Appenders lock partitions in ascending order, so
/// two never deadlock.
/// </para>
/// <para>
/// Groups: the rows one append put into a partition are a group (they share <c>group_end</c>, the group's last seq). An
/// owner reads whole groups and evaluates each group as one engine batch, so the engine sees a container's inputs in the
/// same batches whoever evaluates them and whenever: after a takeover the replay from the saved position raises alerts
/// under the same keys as the crashed owner did (late data moves an excursion's start, and an alert's key keeps the start
/// it was raised with), so no second alert is opened and none is notified twice.
/// </para>
/// <para>
/// Fencing: each takeover raises the partition's epoch; a save writes the states and positions only when the epochs
/// it was given are still current, in one transaction that locks those rows, so a gateway that lost its lease without
/// noticing (a stalled process, a dropped lease connection) cannot overwrite its successor's state.
/// </para>
/// </summary>
public sealed class SharedRuleLog : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public SharedRuleLog(string connectionString, int partitions)
    {
        Partitions = partitions;
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public int Partitions { get; }

    /// <summary>
    /// Creates the partitions' rows on first use and checks that the database was set up with the same partition count
    /// (the log keeps each row's partition, so another count would evaluate a container in two places).
    /// </summary>
    /// <exception cref="InvalidOperationException">The database has another partition count.</exception>
    public async Task EnsureAsync(CancellationToken ct = default)
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO rule_shared (id, partitions) VALUES (1, @n) ON CONFLICT (id) DO NOTHING", connection, transaction))
        {
            insert.Parameters.AddWithValue("n", Partitions);
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await using (var check = new NpgsqlCommand("SELECT partitions FROM rule_shared WHERE id = 1 FOR UPDATE", connection, transaction))
        {
            int stored = (int)(await check.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            if (stored != Partitions)
            {
                throw new InvalidOperationException(
                    $"Rules:Shared:Partitions is {Partitions}, but the shared rule store was set up with {stored}: every gateway of a store must use {stored}");
            }
        }
        await using (var rows = new NpgsqlCommand("""
            INSERT INTO rule_partitions (partition) SELECT generate_series(0, @n - 1) ON CONFLICT DO NOTHING;
            INSERT INTO rule_positions (partition) SELECT generate_series(0, @n - 1) ON CONFLICT DO NOTHING;
            """, connection, transaction))
        {
            rows.Parameters.AddWithValue("n", Partitions);
            await rows.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Appends a batch in one transaction; a row already in the log (the same reading or event of the same tag, or the same
    /// battery value time) is not appended again. Returns once committed: the caller may confirm the batch's spool records.
    /// </summary>
    public async Task<int> AppendAsync(IReadOnlyList<RuleInput> inputs, CancellationToken ct = default)
    {
        if (inputs.Count == 0) return 0;
        int n = inputs.Count;
        var partitionOf = new int[n];
        var counts = new SortedDictionary<int, long>();
        for (int i = 0; i < n; i++)
        {
            partitionOf[i] = RulePartitioner.PartitionOf(inputs[i].Container, Partitions);
            counts[partitionOf[i]] = counts.GetValueOrDefault(partitionOf[i]) + 1;
        }
        int[] partitions = [.. counts.Keys];

        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var next = new Dictionary<int, long>(partitions.Length);
        await using (var lockRows = new NpgsqlCommand(
            "SELECT partition, next_seq FROM rule_partitions WHERE partition = ANY(@p) ORDER BY partition FOR UPDATE", connection, transaction))
        {
            lockRows.Parameters.AddWithValue("p", partitions);
            await using NpgsqlDataReader reader = await lockRows.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) next[reader.GetInt32(0)] = reader.GetInt64(1);
        }
        if (next.Count != partitions.Length) throw new InvalidOperationException("the shared rule log's partitions are not set up (EnsureAsync)");

        var seq = new long[n];
        var groupEnd = new long[n];
        var fleet = new string[n];
        var container = new string[n];
        var tag = new string[n];
        var kind = new short[n];
        var boot = new long[n];
        var inputSeq = new long[n];
        var keyTime = new long[n];
        var timeMs = new long[n];
        var estimated = new bool[n];
        var temp = new double[n];
        var rh = new double[n];
        var pressure = new double[n];
        var peak = new double[n];
        var battery = new double[n];
        for (int i = 0; i < n; i++)
        {
            RuleInput input = inputs[i];
            // Seqs start at 1: position 0 means "nothing evaluated".
            seq[i] = ++next[partitionOf[i]];
            fleet[i] = input.Container.Fleet;
            container[i] = input.Container.Container;
            tag[i] = input.Tag;
            kind[i] = (short)input.Kind;
            boot[i] = input.Boot;
            inputSeq[i] = input.Seq;
            // Readings and shocks are one per (boot, seq); battery values have no seq, their time tells them apart (a
            // telemetry batch's volts travel on its last reading, in that reading's row).
            keyTime[i] = input.Kind == RuleInputKind.Battery ? input.TimeMs : 0;
            timeMs[i] = input.TimeMs;
            estimated[i] = input.Estimated;
            temp[i] = input.TempC;
            rh[i] = input.RhPct;
            pressure[i] = input.PressureHpa;
            peak[i] = input.PeakG;
            battery[i] = input.BatteryV;
        }
        for (int i = 0; i < n; i++) groupEnd[i] = next[partitionOf[i]];

        await using (var advance = new NpgsqlCommand(
            "UPDATE rule_partitions SET next_seq = u.n FROM unnest(@p, @n) AS u(p, n) WHERE partition = u.p", connection, transaction))
        {
            advance.Parameters.AddWithValue("p", partitions);
            advance.Parameters.AddWithValue("n", partitions.Select(p => next[p]).ToArray());
            await advance.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        int inserted;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO rule_inputs (partition, seq, group_end, fleet, container, tag, kind, boot, input_seq, key_time, time_ms, estimated,
                temp_c, rh_pct, pressure_hpa, peak_g, battery_v)
            SELECT * FROM unnest(@partition, @seq, @group_end, @fleet, @container, @tag, @kind, @boot, @input_seq, @key_time, @time_ms,
                @estimated, @temp, @rh, @pressure, @peak, @battery)
            ON CONFLICT DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("partition", partitionOf);
            insert.Parameters.AddWithValue("seq", seq);
            insert.Parameters.AddWithValue("group_end", groupEnd);
            insert.Parameters.AddWithValue("fleet", NpgsqlDbType.Array | NpgsqlDbType.Text, fleet);
            insert.Parameters.AddWithValue("container", NpgsqlDbType.Array | NpgsqlDbType.Text, container);
            insert.Parameters.AddWithValue("tag", NpgsqlDbType.Array | NpgsqlDbType.Text, tag);
            insert.Parameters.AddWithValue("kind", kind);
            insert.Parameters.AddWithValue("boot", boot);
            insert.Parameters.AddWithValue("input_seq", inputSeq);
            insert.Parameters.AddWithValue("key_time", keyTime);
            insert.Parameters.AddWithValue("time_ms", timeMs);
            insert.Parameters.AddWithValue("estimated", estimated);
            insert.Parameters.AddWithValue("temp", temp);
            insert.Parameters.AddWithValue("rh", rh);
            insert.Parameters.AddWithValue("pressure", pressure);
            insert.Parameters.AddWithValue("peak", peak);
            insert.Parameters.AddWithValue("battery", battery);
            inserted = await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return inserted;
    }

    /// <summary>
    /// Reads each partition's rows after its position, in seq order, into <paramref name="into"/> (partition by partition):
    /// whole groups, at least <paramref name="limit"/> rows where there are that many (through the end of the group of the
    /// limit-th row). Returns each partition's last seq read (absent: nothing new).
    /// </summary>
    public async Task<Dictionary<int, long>> ReadAsync(IReadOnlyList<(int Partition, long After)> from, int limit, List<LogRow> into,
        CancellationToken ct = default)
    {
        var last = new Dictionary<int, long>();
        if (from.Count == 0) return last;
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT r.partition, r.seq, r.group_end, r.fleet, r.container, r.tag, r.kind, r.boot, r.input_seq, r.time_ms, r.estimated,
                r.temp_c, r.rh_pct, r.pressure_hpa, r.peak_g, r.battery_v
            FROM unnest(@p, @after) AS a(p, after)
            CROSS JOIN LATERAL (
                SELECT * FROM rule_inputs
                WHERE partition = a.p AND seq > a.after AND seq <= COALESCE(
                    (SELECT group_end FROM rule_inputs WHERE partition = a.p AND seq > a.after ORDER BY seq OFFSET @limit - 1 LIMIT 1),
                    9223372036854775807)
                ORDER BY seq) AS r
            ORDER BY r.partition, r.seq
            """, connection);
        command.Parameters.AddWithValue("p", from.Select(f => f.Partition).ToArray());
        command.Parameters.AddWithValue("after", from.Select(f => f.After).ToArray());
        command.Parameters.AddWithValue("limit", limit);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        // Fleets, containers and tags repeat row after row: one string each.
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            int partition = reader.GetInt32(0);
            last[partition] = reader.GetInt64(1);
            into.Add(new LogRow(partition, reader.GetInt64(2), new RuleInput
            {
                Container = new ContainerKey(Intern(names, reader.GetString(3)), Intern(names, reader.GetString(4))),
                Tag = Intern(names, reader.GetString(5)),
                Kind = (RuleInputKind)reader.GetInt16(6),
                Boot = (uint)reader.GetInt64(7),
                Seq = (uint)reader.GetInt64(8),
                TimeMs = reader.GetInt64(9),
                Estimated = reader.GetBoolean(10),
                TempC = reader.GetDouble(11),
                RhPct = reader.GetDouble(12),
                PressureHpa = reader.GetDouble(13),
                PeakG = reader.GetDouble(14),
                BatteryV = reader.GetDouble(15),
            }));
        }
        return last;
    }

    private static string Intern(Dictionary<string, string> names, string s)
    {
        if (names.TryGetValue(s, out string? known)) return known;
        names[s] = s;
        return s;
    }

    /// <summary>
    /// Takes a partition over after its lease was acquired: raises its epoch (which fences off any save of the previous
    /// holder still under way: it waits for this row, then finds the epoch changed) and returns where to read on from.
    /// </summary>
    public async Task<OwnedPartition> TakeOverAsync(int partition, string member, CancellationToken ct = default)
    {
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "UPDATE rule_positions SET epoch = epoch + 1, owner = @owner WHERE partition = @p RETURNING epoch, position", connection);
        command.Parameters.AddWithValue("owner", member);
        command.Parameters.AddWithValue("p", partition);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) throw new InvalidOperationException($"rules partition {partition} is not set up");
        return new OwnedPartition(partition, reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>
    /// Saves container states and partition positions in one transaction, if every partition concerned (those of the
    /// states and those of the positions) still has the epoch this gateway took it over with.
    /// </summary>
    /// <exception cref="LeaseLostException">Another gateway took a partition over: nothing was written.</exception>
    public async Task SaveAsync(IReadOnlyList<ContainerSnapshot> states, IReadOnlyList<(int Partition, long Position)> positions,
        Func<int, long?> epochOf, CancellationToken ct = default)
    {
        var partitions = new SortedSet<int>(positions.Select(p => p.Partition));
        foreach (ContainerSnapshot s in states) partitions.Add(RulePartitioner.PartitionOf(s.Container, Partitions));
        if (partitions.Count == 0) return;

        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var fence = new NpgsqlCommand(
            "SELECT partition, epoch FROM rule_positions WHERE partition = ANY(@p) ORDER BY partition FOR UPDATE", connection, transaction))
        {
            fence.Parameters.AddWithValue("p", partitions.ToArray());
            await using NpgsqlDataReader reader = await fence.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                int partition = reader.GetInt32(0);
                if (epochOf(partition) != reader.GetInt64(1)) throw new LeaseLostException(partition);
            }
        }
        if (states.Count > 0)
        {
            await using var write = new NpgsqlCommand("""
                INSERT INTO container_states (fleet, container, state) SELECT * FROM unnest(@fleet, @container, @state)
                ON CONFLICT (fleet, container) DO UPDATE SET state = excluded.state
                """, connection, transaction);
            write.Parameters.AddWithValue("fleet", NpgsqlDbType.Array | NpgsqlDbType.Text, states.Select(s => s.Container.Fleet).ToArray());
            write.Parameters.AddWithValue("container", NpgsqlDbType.Array | NpgsqlDbType.Text, states.Select(s => s.Container.Container).ToArray());
            write.Parameters.AddWithValue("state", NpgsqlDbType.Array | NpgsqlDbType.Bytea, states.Select(s => s.State.ToArray()).ToArray());
            await write.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await SaveChunksAsync(connection, transaction, states, ct).ConfigureAwait(false);
        }
        if (positions.Count > 0)
        {
            await using var advance = new NpgsqlCommand(
                "UPDATE rule_positions SET position = GREATEST(position, u.pos) FROM unnest(@p, @pos) AS u(p, pos) WHERE partition = u.p",
                connection, transaction);
            advance.Parameters.AddWithValue("p", positions.Select(p => p.Partition).ToArray());
            advance.Parameters.AddWithValue("pos", positions.Select(p => p.Position).ToArray());
            await advance.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The states' window chunks (IRuleStore.SaveStatesAsync): the chunks outside each range deleted, then the chunks
    /// written, each as one statement over arrays, as the states are.
    /// </summary>
    private static async Task SaveChunksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ContainerSnapshot> states,
        CancellationToken ct)
    {
        var ranges = new List<(ContainerKey Container, ChunkRange Range)>();
        var chunks = new List<(ContainerKey Container, WindowChunk Chunk)>();
        foreach (ContainerSnapshot s in states)
        {
            foreach (ChunkRange range in s.Ranges.Span) ranges.Add((s.Container, range));
            foreach (WindowChunk chunk in s.Chunks.Span) chunks.Add((s.Container, chunk));
        }
        if (ranges.Count > 0)
        {
            await using var prune = new NpgsqlCommand("""
                DELETE FROM window_chunks w USING unnest(@fleet, @container, @tag, @first, @last) AS r(fleet, container, tag, lo, hi)
                WHERE w.fleet = r.fleet AND w.container = r.container AND w.tag = r.tag AND (w.chunk < r.lo OR w.chunk > r.hi)
                """, connection, transaction);
            prune.Parameters.AddWithValue("fleet", NpgsqlDbType.Array | NpgsqlDbType.Text, ranges.Select(r => r.Container.Fleet).ToArray());
            prune.Parameters.AddWithValue("container", NpgsqlDbType.Array | NpgsqlDbType.Text, ranges.Select(r => r.Container.Container).ToArray());
            prune.Parameters.AddWithValue("tag", NpgsqlDbType.Array | NpgsqlDbType.Text, ranges.Select(r => r.Range.Tag).ToArray());
            prune.Parameters.AddWithValue("first", NpgsqlDbType.Array | NpgsqlDbType.Bigint, ranges.Select(r => r.Range.First).ToArray());
            prune.Parameters.AddWithValue("last", NpgsqlDbType.Array | NpgsqlDbType.Bigint, ranges.Select(r => r.Range.Last).ToArray());
            await prune.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        if (chunks.Count > 0)
        {
            await using var write = new NpgsqlCommand("""
                INSERT INTO window_chunks (fleet, container, tag, chunk, samples) SELECT * FROM unnest(@fleet, @container, @tag, @chunk, @samples)
                ON CONFLICT (fleet, container, tag, chunk) DO UPDATE SET samples = excluded.samples
                """, connection, transaction);
            write.Parameters.AddWithValue("fleet", NpgsqlDbType.Array | NpgsqlDbType.Text, chunks.Select(c => c.Container.Fleet).ToArray());
            write.Parameters.AddWithValue("container", NpgsqlDbType.Array | NpgsqlDbType.Text, chunks.Select(c => c.Container.Container).ToArray());
            write.Parameters.AddWithValue("tag", NpgsqlDbType.Array | NpgsqlDbType.Text, chunks.Select(c => c.Chunk.Tag).ToArray());
            write.Parameters.AddWithValue("chunk", NpgsqlDbType.Array | NpgsqlDbType.Bigint, chunks.Select(c => c.Chunk.Number).ToArray());
            write.Parameters.AddWithValue("samples", NpgsqlDbType.Array | NpgsqlDbType.Bytea, chunks.Select(c => c.Chunk.Samples.ToArray()).ToArray());
            await write.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes rows of the partitions evaluated (at or before their saved position) and older than the retention.</summary>
    public async Task<int> PruneAsync(IReadOnlyList<int> partitions, TimeSpan retention, CancellationToken ct = default)
    {
        if (partitions.Count == 0) return 0;
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            DELETE FROM rule_inputs r USING rule_positions p
            WHERE p.partition = ANY(@p) AND r.partition = p.partition AND r.seq <= p.position AND r.added_at < now() - @keep
            """, connection);
        command.Parameters.AddWithValue("p", partitions.ToArray());
        command.Parameters.AddWithValue("keep", retention);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
