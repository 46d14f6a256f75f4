using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static SQLitePCL.raw;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// Writes a save's snapshots and window chunks (<see cref="IRuleStore.SaveStatesAsync"/>) on an open SQLite connection, in
/// the caller's transaction, with SQLite's own statements instead of <see cref="SqliteCommand"/> (issue 12: in bench rules
/// the provider's per-execution work was about as much CPU as SQLite's: it looked every parameter up by name, converting
/// the name and every text value to a new UTF-8 array, and made a data reader per execution). Here each statement is
/// prepared once per save, its parameters are bound by position, a container's fleet and number are converted to UTF-8
/// once for all of its rows, and the blobs are bound from the engine's buffer as they are (SQLite copies them). The rows
/// and their values are the same as the provider's: text as text, numbers as integers, blobs as blobs.
/// </summary>
internal sealed class SqliteStateWriter : IDisposable
{
    private const string StateSql =
        "INSERT INTO container_states (fleet, container, state) VALUES (?1, ?2, ?3) "
        + "ON CONFLICT (fleet, container) DO UPDATE SET state = excluded.state";

    private const string PruneSql =
        "DELETE FROM window_chunks WHERE fleet = ?1 AND container = ?2 AND tag = ?3 AND (chunk < ?4 OR chunk > ?5)";

    private const string ChunkSql =
        "INSERT INTO window_chunks (fleet, container, tag, chunk, samples) VALUES (?1, ?2, ?3, ?4, ?5) "
        + "ON CONFLICT (fleet, container, tag, chunk) DO UPDATE SET samples = excluded.samples";

    private readonly sqlite3 _db;
    private sqlite3_stmt? _state;
    private sqlite3_stmt? _prune;
    private sqlite3_stmt? _chunk;
    private byte[] _text = ArrayPool<byte>.Shared.Rent(256);

    public SqliteStateWriter(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
    }

    /// <summary>Writes every state, its chunk prunes and its chunks, in order; throws <see cref="SqliteException"/> on an error.</summary>
    public void Write(IReadOnlyList<ContainerSnapshot> states)
    {
        foreach (ContainerSnapshot snapshot in states)
        {
            // The fleet and the container at the start of the scratch buffer, each tag after them.
            int fleetLength = Utf8(snapshot.Container.Fleet, 0);
            int containerLength = Utf8(snapshot.Container.Container, fleetLength);
            int keyLength = fleetLength + containerLength;

            sqlite3_stmt state = _state ??= Prepare(StateSql);
            BindKey(state, fleetLength, containerLength);
            BindBlob(state, 3, snapshot.State.Span);
            Execute(state);

            foreach (ChunkRange range in snapshot.Ranges.Span)
            {
                sqlite3_stmt prune = _prune ??= Prepare(PruneSql);
                BindKey(prune, fleetLength, containerLength);
                BindText(prune, 3, keyLength, Utf8(range.Tag, keyLength));
                Check(sqlite3_bind_int64(prune, 4, range.First));
                Check(sqlite3_bind_int64(prune, 5, range.Last));
                Execute(prune);
            }

            foreach (WindowChunk piece in snapshot.Chunks.Span)
            {
                sqlite3_stmt chunk = _chunk ??= Prepare(ChunkSql);
                BindKey(chunk, fleetLength, containerLength);
                BindText(chunk, 3, keyLength, Utf8(piece.Tag, keyLength));
                Check(sqlite3_bind_int64(chunk, 4, piece.Number));
                BindBlob(chunk, 5, piece.Samples.Span);
                Execute(chunk);
            }
        }
    }

    public void Dispose()
    {
        _state?.Dispose();
        _prune?.Dispose();
        _chunk?.Dispose();
        _state = _prune = _chunk = null;
        if (_text.Length > 0) ArrayPool<byte>.Shared.Return(_text);
        _text = [];
    }

    private sqlite3_stmt Prepare(string sql)
    {
        Check(sqlite3_prepare_v2(_db, sql, out sqlite3_stmt statement));
        return statement;
    }

    private void BindKey(sqlite3_stmt statement, int fleetLength, int containerLength)
    {
        BindText(statement, 1, 0, fleetLength);
        BindText(statement, 2, fleetLength, containerLength);
    }

    private void BindBlob(sqlite3_stmt statement, int index, ReadOnlySpan<byte> value) =>
        // An empty span is a null pointer, which SQLite binds as NULL: an empty blob goes as a zero-length one.
        Check(value.IsEmpty ? sqlite3_bind_zeroblob(statement, index, 0) : sqlite3_bind_blob(statement, index, value));

    /// <summary>Binds the scratch buffer's bytes [<paramref name="at"/>, +<paramref name="length"/>) as text.</summary>
    private void BindText(sqlite3_stmt statement, int index, int at, int length) =>
        // An empty span is a null pointer, which SQLite binds as NULL: the empty string goes as a terminated one.
        Check(length == 0 ? sqlite3_bind_text(statement, index, "") : sqlite3_bind_text(statement, index, _text.AsSpan(at, length)));

    /// <summary>Puts <paramref name="value"/> as UTF-8 at <paramref name="at"/> of the scratch buffer (grown as needed); its length.</summary>
    private int Utf8(string value, int at)
    {
        int most = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_text.Length - at < most)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(at + most, _text.Length * 2));
            _text.AsSpan(0, at).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_text);
            _text = larger;
        }
        return Encoding.UTF8.GetBytes(value, _text.AsSpan(at));
    }

    /// <summary>Runs a statement that returns no rows, then resets it for its next bindings.</summary>
    private void Execute(sqlite3_stmt statement)
    {
        int rc = sqlite3_step(statement);
        // Reset either way: a failed statement keeps its error until reset (which returns it again, ignored here).
        sqlite3_reset(statement);
        if (rc != SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    private void Check(int rc)
    {
        if (rc != SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
    }
}
