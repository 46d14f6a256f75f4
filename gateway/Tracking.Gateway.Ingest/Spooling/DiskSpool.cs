using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// A durable, segmented, append-only log of records. One appender adds records and makes them durable with
/// <see cref="Commit"/> (one fsync for many records: the group commit). Several named readers (the InfluxDB writer,
/// the rules, any export: given to <see cref="Open(SpoolOptions, ILogger?, IReadOnlyCollection{string}?)"/>) each read every committed record at their own pace and, once
/// they are done with them, <see cref="Confirm"/> them: each reader's confirmed position is written to its own
/// checkpoint file (fsynced), and segments wholly before the slowest reader's position are deleted. So a reader whose
/// destination is down (InfluxDB) holds disk but never holds up another reader. After a crash, <see cref="Open(SpoolOptions, ILogger?, IReadOnlyCollection{string}?)"/>
/// truncates a torn last record and every reader starts again at its checkpoint, so every committed record a reader
/// has not confirmed is read again by it (at-least-once). Disk use is bounded by <see cref="SpoolOptions.MaxBytes"/>:
/// when full, <see cref="TryAppend"/> refuses and <see cref="WaitForSpaceAsync"/> waits for confirmations.
/// A disk that fails a write or an fsync (ENOSPC, EIO) loses nothing: the records not yet durable stay in memory and are
/// written again by the next <see cref="Commit"/>, which returns false until that works; <see cref="BlockedReason"/>
/// says why meanwhile. The directory is 0700 and its files 0600 (<see cref="PrivateFiles"/>).
/// </summary>
public sealed partial class DiskSpool : IDisposable
{
    /// <summary>The reader that writes to InfluxDB; its checkpoint file keeps the name of the one-reader spool's.</summary>
    public const string WriterReader = "writer";

    private const string CheckpointName = "checkpoint";
    private const int CheckpointSize = 20;

    private readonly SpoolOptions _options;
    private readonly ILogger _logger;
    private readonly object _sync = new();
    private readonly SortedDictionary<long, long> _segmentSizes = new(); // committed bytes of each segment on disk
    private readonly SpoolFileSystem _files;
    private SafeFileHandle _active;
    private long _activeSegment;
    private long _activeLength;      // bytes appended to the active segment (committed or not, written or buffered)
    // Appended records of the active segment not yet fsynced: one write call per group commit instead of two per record,
    // and what a failed write or fsync must write again (after a failed fsync the page cache may have dropped them).
    private byte[] _appendBuffer = new byte[64 * 1024];
    private int _buffered;
    private long _uncommittedBytes;
    private long _uncommittedRecords;
    private SpoolPosition _committed;
    private readonly Dictionary<string, SpoolCheckpoint> _readers = new(StringComparer.Ordinal);
    private long _diskBytes;
    private TaskCompletionSource _dataSignal = NewSignal();
    private TaskCompletionSource _spaceSignal = NewSignal();
    private bool _disposed;
    private string? _appendError;    // the last write/fsync/segment creation failed: why (null once one works again)
    private string? _checkpointError;
    private int _refusedSize;        // the record TryAppend last refused for want of room (0 after an append)
    private SpoolLock? _lock;        // the directory's exclusive lock, released by Dispose

    private DiskSpool(SpoolOptions options, ILogger logger, SpoolFileSystem files, SafeFileHandle active, long activeSegment, long activeLength)
    {
        _options = options;
        _logger = logger;
        _files = files;
        _active = active;
        _activeSegment = activeSegment;
        _activeLength = activeLength;
    }

    public string Directory => _options.Directory;

    /// <summary>End of the durable records.</summary>
    public SpoolPosition CommittedPosition { get { lock (_sync) return _committed; } }

    /// <summary>The oldest position any reader still needs (the slowest reader's checkpoint).</summary>
    public SpoolPosition ConfirmedPosition { get { lock (_sync) return OldestConfirmed(); } }

    /// <summary>Committed records the slowest reader has not confirmed.</summary>
    public long PendingRecords
    {
        get
        {
            lock (_sync)
            {
                long most = 0;
                foreach (SpoolCheckpoint reader in _readers.Values) most = Math.Max(most, reader.Pending);
                return most;
            }
        }
    }

    /// <summary>The readers given to <see cref="Open(SpoolOptions, ILogger?, IReadOnlyCollection{string}?)"/>.</summary>
    public IReadOnlyCollection<string> Readers { get { lock (_sync) return [.. _readers.Keys]; } }

    /// <summary>Committed records <paramref name="reader"/> has not confirmed.</summary>
    public long PendingRecordsOf(string reader) { lock (_sync) return Checkpoint(reader).Pending; }

    /// <summary>Position up to which <paramref name="reader"/> has confirmed (its checkpoint).</summary>
    public SpoolPosition ConfirmedPositionOf(string reader) { lock (_sync) return Checkpoint(reader).Confirmed; }

    /// <summary>Bytes of all segment files, including confirmed records of segments still in use.</summary>
    public long DiskBytes { get { lock (_sync) return _diskBytes; } }

    /// <summary><see cref="SpoolOptions.MaxBytes"/>.</summary>
    public long MaxBytes => _options.MaxBytes;

    public bool IsFull { get { lock (_sync) return _diskBytes >= _options.MaxBytes; } }

    /// <summary>Share of <see cref="SpoolOptions.MaxBytes"/> in use (segments plus appended records not yet committed).</summary>
    public double FillRatio { get { lock (_sync) return (double)(_diskBytes + _uncommittedBytes) / _options.MaxBytes; } }

    /// <summary>
    /// Why the spool cannot take the next record now, or null: a disk error (the records not yet durable are kept and
    /// retried) or no room for the record <see cref="TryAppend"/> last refused (it waits for confirmations).
    /// </summary>
    public string? BlockedReason
    {
        get
        {
            lock (_sync)
            {
                if (_appendError is { } error) return "disk error: " + error;
                long used = _diskBytes + _uncommittedBytes;
                if (_refusedSize > 0 && used + _refusedSize > _options.MaxBytes)
                    return $"full: the next record ({_refusedSize} bytes) does not fit ({used} of {_options.MaxBytes} bytes used)";
                return null;
            }
        }
    }

    /// <summary>Why the last write, fsync or segment creation failed, while no later one has worked; else null.</summary>
    public string? DiskError { get { lock (_sync) return _appendError; } }

    /// <summary>Why the last checkpoint could not be written, or null. Nothing is lost meanwhile: more is replayed after a restart.</summary>
    public string? CheckpointError { get { lock (_sync) return _checkpointError; } }

    /// <summary>
    /// Opens (or creates) the spool for <paramref name="readers"/> (default: the <see cref="WriterReader"/> alone),
    /// recovering from a crash: a torn tail is truncated. A reader without a checkpoint yet starts at the oldest record
    /// kept; the checkpoint of a reader not named is left alone and holds nothing back.
    /// </summary>
    /// <exception cref="SpoolLockedException">Another open spool (in this process or another) holds the directory's lock.</exception>
    public static DiskSpool Open(SpoolOptions options, ILogger? logger = null, IReadOnlyCollection<string>? readers = null) =>
        Open(options, logger, SpoolFileSystem.Real, readers);

    internal static DiskSpool Open(SpoolOptions options, ILogger? logger, SpoolFileSystem files, IReadOnlyCollection<string>? readers = null)
    {
        options.Validate();
        logger ??= NullLogger.Instance;
        readers ??= [WriterReader];
        if (readers.Count == 0) throw new ArgumentException("a spool needs at least one reader", nameof(readers));
        foreach (string name in readers)
        {
            if (!IsReaderName(name)) throw new ArgumentException($"spool reader name '{name}' is not 1-32 of [a-z0-9-] starting with a letter", nameof(readers));
        }

        PrivateFiles.CreateDirectory(options.Directory);
        // The directory's exclusive lock, held until Dispose: the OS drops it when the process dies, so a peer that gets it
        // knows that no gateway runs on this spool (SpoolLock; Group/PeerSpoolAdopter drains a dead peer's spool).
        SpoolLock held = SpoolLock.Acquire(options.Directory);
        try
        {
            DiskSpool spool = OpenLocked(options, logger, files, readers);
            spool._lock = held;
            return spool;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private static DiskSpool OpenLocked(SpoolOptions options, ILogger logger, SpoolFileSystem files, IReadOnlyCollection<string> readers)
    {
        var checkpoints = new List<SpoolCheckpoint>();
        foreach (string name in readers.Distinct(StringComparer.Ordinal))
        {
            string path = CheckpointPath(options.Directory, name);
            checkpoints.Add(new SpoolCheckpoint(name, path, ReadCheckpoint(path, logger)));
        }

        List<long> segments = SegmentFile.List(options.Directory);
        if (segments.Count > 0)
        {
            foreach (SpoolCheckpoint reader in checkpoints)
            {
                // A checkpoint of another spool's life (its segment gone, or past the end of it): replay from the start.
                long segment = reader.Confirmed.Segment;
                if (segment > segments[^1] || (segments.Contains(segment)
                    && reader.Confirmed.Offset > new FileInfo(SegmentFile.PathOf(options.Directory, segment)).Length))
                {
                    logger.LogWarning("Spool checkpoint {Checkpoint} of reader {Reader} lies beyond the spooled data; it reads from the oldest record kept", reader.Confirmed, reader.Reader);
                    reader.Confirmed = new SpoolPosition(0, 0);
                }
            }
        }

        SpoolPosition oldest = checkpoints.Min(c => c.Confirmed);
        // Segments before every checkpoint are confirmed; a crash may have left them behind after the checkpoints were written.
        foreach (long id in segments.Where(s => s < oldest.Segment).ToList())
        {
            File.Delete(SegmentFile.PathOf(options.Directory, id));
            segments.Remove(id);
        }

        if (segments.Count == 0)
        {
            // Everything was confirmed: go on numbering after the newest checkpoint, every reader at the start of it.
            long first = Math.Max(checkpoints.Max(c => c.Confirmed.Segment), 1);
            segments.Add(first);
            foreach (SpoolCheckpoint reader in checkpoints) reader.Confirmed = new SpoolPosition(first, 0);
        }

        foreach (SpoolCheckpoint reader in checkpoints)
        {
            // Nothing of the checkpoint's segment is left (all of it was confirmed): continue at the oldest segment kept.
            if (reader.Confirmed.Segment < segments[0]) reader.Confirmed = new SpoolPosition(segments[0], 0);
        }

        oldest = checkpoints.Min(c => c.Confirmed);
        var sizes = new SortedDictionary<long, long>();
        SafeFileHandle? active = null;
        for (int i = 0; i < segments.Count; i++)
        {
            long id = segments[i];
            bool last = i == segments.Count - 1;
            var handle = PrivateFiles.OpenHandle(SegmentFile.PathOf(options.Directory, id), FileMode.OpenOrCreate);
            long from = id == oldest.Segment ? oldest.Offset : 0;
            long length = RandomAccess.GetLength(handle);
            (long validEnd, long records) = SegmentFile.Scan(handle, from);
            if (validEnd < length)
            {
                LogTornTail(logger, id, validEnd, length - validEnd);
                RandomAccess.SetLength(handle, validEnd);
                RandomAccess.FlushToDisk(handle);
            }

            foreach (SpoolCheckpoint reader in checkpoints)
            {
                if (reader.Confirmed.Segment > id) continue;
                long start = reader.Confirmed.Segment == id ? reader.Confirmed.Offset : 0;
                reader.Pending += start == from ? records : start > validEnd ? 0 : SegmentFile.Scan(handle, start).Records;
            }

            sizes[id] = validEnd;
            if (last)
            {
                active = handle;
            }
            else
            {
                handle.Dispose();
            }
        }

        long activeId = segments[^1];
        var spool = new DiskSpool(options, logger, files, active!, activeId, sizes[activeId])
        {
            _committed = new SpoolPosition(activeId, sizes[activeId]),
        };
        foreach (SpoolCheckpoint reader in checkpoints)
        {
            spool._readers[reader.Reader] = reader;
            if (reader.Pending > 0) LogRecovered(logger, reader.Reader, reader.Pending, reader.Confirmed);
        }

        foreach (var (id, size) in sizes)
        {
            spool._segmentSizes[id] = size;
            spool._diskBytes += size;
        }

        return spool;
    }

    /// <summary>Whether <paramref name="name"/> may name a reader: it becomes part of a file name.</summary>
    public static bool IsReaderName(string name) =>
        name.Length is >= 1 and <= 32 && char.IsAsciiLetterLower(name[0])
        && name.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789-") < 0;

    /// <summary>
    /// Appends a record (not yet durable: call <see cref="Commit"/>). Returns false, appending nothing, when the
    /// spool is full or a new segment could not be started (<see cref="BlockedReason"/> says which). Only one thread
    /// may append and commit.
    /// </summary>
    public bool TryAppend(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload.Length > SegmentFile.MaxPayload)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"a record is 1..{SegmentFile.MaxPayload} bytes");
        int size = SegmentFile.HeaderSize + payload.Length;
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_diskBytes + _uncommittedBytes + size > _options.MaxBytes)
            {
                _refusedSize = size;
                return false;
            }
        }

        if (_activeLength > 0 && _activeLength + size > _options.SegmentBytes && !TryRollSegment())
        {
            return false;
        }

        if (_buffered + size > _appendBuffer.Length)
        {
            // Kept until fsynced, so at most one segment; usually one group commit's worth.
            Array.Resize(ref _appendBuffer, Math.Max(_buffered + size, _appendBuffer.Length * 2));
        }

        Span<byte> record = _appendBuffer.AsSpan(_buffered, size);
        SegmentFile.WriteHeader(record, payload);
        payload.CopyTo(record[SegmentFile.HeaderSize..]);
        _buffered += size;
        _activeLength += size;
        _uncommittedBytes += size;
        _uncommittedRecords++;
        if (_refusedSize != 0)
        {
            lock (_sync) _refusedSize = 0;
        }

        return true;
    }

    /// <summary>
    /// Makes every appended record durable (fsync) and visible to the reader. False when the disk failed the write or
    /// the fsync (full, I/O error): the records stay appended, in memory, and the next call writes them again; nothing
    /// they came from may be acknowledged until a call returns true.
    /// </summary>
    public bool Commit()
    {
        if (_uncommittedRecords == 0) return true;
        try
        {
            if (_buffered > 0) _files.Write(_active, _appendBuffer.AsSpan(0, _buffered), _activeLength - _buffered);
            _files.FlushToDisk(_active);
        }
        catch (IOException ex)
        {
            OnAppendError(ex);
            return false;
        }

        _buffered = 0;
        TaskCompletionSource signal;
        lock (_sync)
        {
            _committed = new SpoolPosition(_activeSegment, _activeLength);
            _segmentSizes[_activeSegment] = _activeLength;
            _diskBytes += _uncommittedBytes;
            foreach (SpoolCheckpoint reader in _readers.Values) reader.Pending += _uncommittedRecords;
            _uncommittedBytes = 0;
            _uncommittedRecords = 0;
            signal = _dataSignal;
            _dataSignal = NewSignal();
        }

        OnAppendWorks();
        signal.TrySetResult();
        return true;
    }

    /// <summary>Completes when a record of <paramref name="size"/> bytes fits again (after confirmations).</summary>
    public async Task WaitForSpaceAsync(int size, CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_sync)
            {
                if (_diskBytes + _uncommittedBytes + SegmentFile.HeaderSize + size <= _options.MaxBytes) return;
                wait = _spaceSignal.Task;
            }

            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>A reader of <paramref name="reader"/>'s records, starting at its checkpoint. Reading confirms nothing.</summary>
    public SpoolReader CreateReader(string reader = WriterReader) => new(this, reader, ConfirmedPositionOf(reader));

    /// <summary>
    /// <paramref name="reader"/> is done with the records up to <paramref name="position"/> (<paramref name="records"/>
    /// of them since its last confirmation): checkpoint them (fsync) and delete segments wholly before every reader's
    /// checkpoint. Readers may confirm from different threads.
    /// </summary>
    public void Confirm(SpoolPosition position, long records, string reader = WriterReader)
    {
        SpoolCheckpoint checkpoint;
        lock (_sync)
        {
            checkpoint = Checkpoint(reader);
            if (position <= checkpoint.Confirmed) return;
            if (position > _committed) throw new ArgumentOutOfRangeException(nameof(position), position, "beyond the committed end");
        }

        // A checkpoint that cannot be written (full disk) must not stop the deletion below, or a spool that filled its
        // disk could never free it: Open treats segments missing before the first one left as confirmed, so a lagging
        // checkpoint only means more is replayed (idempotent writes).
        string? checkpointError = null;
        try
        {
            WriteCheckpoint(checkpoint.Path, position);
        }
        catch (IOException ex)
        {
            checkpointError = ex.Message;
            try { File.Delete(checkpoint.Path + ".tmp"); } catch (IOException) { }
        }

        var deleted = new List<long>();
        TaskCompletionSource signal;
        lock (_sync)
        {
            if (checkpointError is not null && _checkpointError is null) LogCheckpointFailed(_logger, reader, position, checkpointError);
            _checkpointError = checkpointError;
            checkpoint.Confirmed = position;
            checkpoint.Pending = Math.Max(0, checkpoint.Pending - records);
            SpoolPosition oldest = OldestConfirmed();
            foreach (var (id, size) in _segmentSizes)
            {
                if (id >= oldest.Segment) break;
                deleted.Add(id);
                _diskBytes -= size;
            }

            foreach (long id in deleted) _segmentSizes.Remove(id);
            signal = _spaceSignal;
            _spaceSignal = NewSignal();
        }

        foreach (long id in deleted)
        {
            try
            {
                File.Delete(SegmentFile.PathOf(_options.Directory, id));
            }
            catch (IOException ex)
            {
                _logger.LogWarning(ex, "Could not delete confirmed spool segment {Segment}", id);
            }
        }

        signal.TrySetResult();
    }

    public void Dispose()
    {
        lock (_sync)
        {
            if (_disposed) return;
            _disposed = true;
        }

        // Uncommitted records reach the file (not the disk) as they did when every append was written at once.
        try
        {
            if (_buffered > 0) _files.Write(_active, _appendBuffer.AsSpan(0, _buffered), _activeLength - _buffered);
        }
        catch (IOException ex)
        {
            // Not acknowledged, so the broker delivers them again.
            _logger.LogWarning(ex, "Spool closed with {Bytes} uncommitted bytes not written", _buffered);
        }
        finally
        {
            _active.Dispose();
            _lock?.Dispose();
            _dataSignal.TrySetCanceled();
            _spaceSignal.TrySetCanceled();
        }
    }

    /// <summary>Whether the committed end is beyond <paramref name="position"/> (a record to read there now).</summary>
    internal bool IsCommittedBeyond(SpoolPosition position)
    {
        lock (_sync) return _committed > position;
    }

    /// <summary>Completes when the committed end moves beyond <paramref name="position"/>.</summary>
    internal async Task WaitForDataAsync(SpoolPosition position, CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_sync)
            {
                if (_committed > position) return;
                wait = _dataSignal.Task;
            }

            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Like <see cref="WaitForDataAsync(SpoolPosition, CancellationToken)"/>, giving up after <paramref name="timeout"/>: false then.</summary>
    internal async Task<bool> WaitForDataAsync(SpoolPosition position, TimeSpan timeout, CancellationToken ct)
    {
        Task data = WaitForDataAsync(position, ct);
        if (data.IsCompleted || timeout <= TimeSpan.Zero)
        {
            await data.ConfigureAwait(false); // surfaces cancellation and disposal
            return true;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task delay = Task.Delay(timeout, timer.Token);
        Task first = await Task.WhenAny(data, delay).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        if (first == data)
        {
            await data.ConfigureAwait(false);
            return true;
        }

        ct.ThrowIfCancellationRequested();
        return false;
    }

    /// <summary>The next segment after <paramref name="segment"/> if the appender has moved past it, else null.</summary>
    internal long? NextSegment(long segment)
    {
        lock (_sync)
        {
            foreach (long id in _segmentSizes.Keys)
            {
                if (id > segment && id <= _committed.Segment) return id;
            }

            return null;
        }
    }

    /// <summary>Committed length of a segment.</summary>
    internal long CommittedLength(long segment)
    {
        lock (_sync)
        {
            return segment == _committed.Segment ? _committed.Offset : _segmentSizes.GetValueOrDefault(segment);
        }
    }

    /// <summary>Moves appending to a new segment; false (nothing changed but what became durable) when the disk fails.</summary>
    private bool TryRollSegment()
    {
        long next = _activeSegment + 1;
        SafeFileHandle handle;
        try
        {
            // The old segment must be durable before records after it are: fsync it before moving on.
            if (_buffered > 0) _files.Write(_active, _appendBuffer.AsSpan(0, _buffered), _activeLength - _buffered);
            _files.FlushToDisk(_active);
            _buffered = 0;
            handle = _files.CreateSegment(SegmentFile.PathOf(_options.Directory, next));
        }
        catch (IOException ex)
        {
            OnAppendError(ex);
            return false;
        }

        SafeFileHandle old = _active;
        lock (_sync)
        {
            _segmentSizes[_activeSegment] = _activeLength;
            _segmentSizes[next] = 0;
            _activeSegment = next;
        }

        _active = handle;
        _activeLength = 0;
        old.Dispose();
        OnAppendWorks(); // everything before the new segment is durable
        return true;
    }

    private void OnAppendError(IOException ex)
    {
        bool first;
        lock (_sync)
        {
            first = _appendError is null;
            _appendError = ex.Message;
        }

        if (first) LogAppendFailed(_logger, _uncommittedRecords, _buffered, ex.Message);
    }

    private void OnAppendWorks()
    {
        if (Volatile.Read(ref _appendError) is null) return;
        lock (_sync) _appendError = null;
        LogAppendWorks(_logger);
    }

    /// <summary>The writer keeps the file name of the spool's single reader before there were several.</summary>
    private static string CheckpointPath(string directory, string reader) =>
        Path.Combine(directory, reader == WriterReader ? CheckpointName : $"{CheckpointName}.{reader}");

    /// <summary>
    /// The readers with a checkpoint file in <paramref name="directory"/> (the inverse of <see cref="CheckpointPath"/>): a
    /// survivor adopting a dead peer's spool opens them too, so that segments a reader of the peer's still needs are kept.
    /// </summary>
    public static IEnumerable<string> ReadersIn(string directory)
    {
        foreach (string path in System.IO.Directory.EnumerateFiles(directory, CheckpointName + "*"))
        {
            string name = Path.GetFileName(path);
            if (name == CheckpointName)
            {
                yield return WriterReader;
            }
            else if (name.StartsWith(CheckpointName + ".", StringComparison.Ordinal) && IsReaderName(name[(CheckpointName.Length + 1)..]))
            {
                yield return name[(CheckpointName.Length + 1)..];
            }
        }
    }

    private SpoolCheckpoint Checkpoint(string reader) =>
        _readers.TryGetValue(reader, out SpoolCheckpoint? checkpoint) ? checkpoint
            : throw new ArgumentException($"'{reader}' is not a reader of this spool (readers: {string.Join(", ", _readers.Keys)})", nameof(reader));

    /// <summary>Call holding <see cref="_sync"/>.</summary>
    private SpoolPosition OldestConfirmed()
    {
        SpoolPosition oldest = default;
        bool first = true;
        foreach (SpoolCheckpoint reader in _readers.Values)
        {
            if (first || reader.Confirmed < oldest) oldest = reader.Confirmed;
            first = false;
        }

        return oldest;
    }

    private static SpoolPosition ReadCheckpoint(string path, ILogger logger)
    {
        if (!File.Exists(path)) return new SpoolPosition(0, 0);
        byte[] data = File.ReadAllBytes(path);
        if (data.Length == CheckpointSize && Crc32C.Compute(data.AsSpan(0, 16)) == BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(16)))
        {
            return new SpoolPosition(BinaryPrimitives.ReadInt64LittleEndian(data), BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(8)));
        }

        // Rename makes the checkpoint atomic, so this is outside damage; replaying everything is safe (idempotent writes).
        logger.LogWarning("Spool checkpoint {Path} is damaged; replaying every spooled record", path);
        return new SpoolPosition(0, 0);
    }

    private void WriteCheckpoint(string path, SpoolPosition position)
    {
        Span<byte> data = stackalloc byte[CheckpointSize];
        BinaryPrimitives.WriteInt64LittleEndian(data, position.Segment);
        BinaryPrimitives.WriteInt64LittleEndian(data[8..], position.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(data[16..], Crc32C.Compute(data[..16]));
        string temporary = path + ".tmp";
        _files.WriteCheckpoint(temporary, data);

        // If the rename is lost in a crash the old checkpoint stays: more is replayed, nothing is lost.
        File.Move(temporary, path, overwrite: true);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Spool segment {Segment}: torn or corrupt tail at offset {Offset} ({Bytes} bytes) truncated")]
    private static partial void LogTornTail(ILogger logger, long segment, long offset, long bytes);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Spool holds {Records} record(s) reader {Reader} has not confirmed, from {Position}; it reads them again")]
    private static partial void LogRecovered(ILogger logger, string reader, long records, SpoolPosition position);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Spool write failed ({Error}); {Records} record(s) ({Bytes} bytes) kept in memory, ingest paused until the disk takes them")]
    private static partial void LogAppendFailed(ILogger logger, long records, long bytes, string error);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Spool writes work again")]
    private static partial void LogAppendWorks(ILogger logger);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Spool checkpoint {Position} of reader {Reader} could not be written ({Error}); confirmed segments are deleted all the same, a restart replays more")]
    private static partial void LogCheckpointFailed(ILogger logger, string reader, SpoolPosition position, string error);
}
