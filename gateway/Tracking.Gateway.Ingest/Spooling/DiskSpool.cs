using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// A durable, segmented, append-only log of records. One appender adds records and makes them durable with
/// <see cref="Commit"/> (one fsync for many records: the group commit); one <see cref="SpoolReader"/> reads committed
/// records and, once they are safely elsewhere, <see cref="Confirm"/>s them: the confirmed position is written to a
/// checkpoint file (fsynced) and segments wholly before it are deleted. After a crash, <see cref="Open"/> truncates a
/// torn last record and the reader starts again at the checkpoint, so every committed record not yet confirmed is
/// read again (at-least-once). Disk use is bounded by <see cref="SpoolOptions.MaxBytes"/>: when full,
/// <see cref="TryAppend"/> refuses and <see cref="WaitForSpaceAsync"/> waits for confirmations.
/// A disk that fails a write or an fsync (ENOSPC, EIO) loses nothing: the records not yet durable stay in memory and are
/// written again by the next <see cref="Commit"/>, which returns false until that works; <see cref="BlockedReason"/>
/// says why meanwhile. The directory is 0700 and its files 0600 (<see cref="PrivateFiles"/>).
/// </summary>
public sealed partial class DiskSpool : IDisposable
{
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
    private SpoolPosition _confirmed;
    private long _pendingRecords;    // committed but not confirmed
    private long _diskBytes;
    private TaskCompletionSource _dataSignal = NewSignal();
    private TaskCompletionSource _spaceSignal = NewSignal();
    private bool _disposed;
    private string? _appendError;    // the last write/fsync/segment creation failed: why (null once one works again)
    private string? _checkpointError;
    private int _refusedSize;        // the record TryAppend last refused for want of room (0 after an append)

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

    /// <summary>Position up to which records are confirmed (the checkpoint).</summary>
    public SpoolPosition ConfirmedPosition { get { lock (_sync) return _confirmed; } }

    /// <summary>Committed records not yet confirmed.</summary>
    public long PendingRecords { get { lock (_sync) return _pendingRecords; } }

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

    /// <summary>Opens (or creates) the spool, recovering from a crash: a torn tail is truncated.</summary>
    public static DiskSpool Open(SpoolOptions options, ILogger? logger = null) => Open(options, logger, SpoolFileSystem.Real);

    internal static DiskSpool Open(SpoolOptions options, ILogger? logger, SpoolFileSystem files)
    {
        options.Validate();
        logger ??= NullLogger.Instance;
        PrivateFiles.CreateDirectory(options.Directory);
        SpoolPosition confirmed = ReadCheckpoint(options.Directory, logger);
        List<long> segments = SegmentFile.List(options.Directory);

        // Segments before the checkpoint are confirmed; a crash may have left them behind after the checkpoint was written.
        foreach (long id in segments.Where(s => s < confirmed.Segment).ToList())
        {
            File.Delete(SegmentFile.PathOf(options.Directory, id));
            segments.Remove(id);
        }

        if (segments.Count == 0 || segments[0] > confirmed.Segment)
        {
            // Nothing of the checkpoint's segment is left (all of it was confirmed): continue after it.
            long first = segments.Count > 0 ? segments[0] : Math.Max(confirmed.Segment, 1);
            if (segments.Count == 0) segments.Add(first);
            confirmed = new SpoolPosition(first, 0);
        }

        long pending = 0;
        var sizes = new SortedDictionary<long, long>();
        SafeFileHandle? active = null;
        for (int i = 0; i < segments.Count; i++)
        {
            long id = segments[i];
            bool last = i == segments.Count - 1;
            var handle = PrivateFiles.OpenHandle(SegmentFile.PathOf(options.Directory, id), FileMode.OpenOrCreate);
            long from = id == confirmed.Segment ? confirmed.Offset : 0;
            long length = RandomAccess.GetLength(handle);
            if (from > length)
            {
                logger.LogWarning("Spool checkpoint {Checkpoint} lies beyond the end of its segment ({Length} bytes); replaying the segment from its start", confirmed, length);
                from = 0;
                confirmed = new SpoolPosition(id, 0);
            }

            (long validEnd, long records) = SegmentFile.Scan(handle, from);
            pending += records;
            if (validEnd < length)
            {
                LogTornTail(logger, id, validEnd, length - validEnd);
                RandomAccess.SetLength(handle, validEnd);
                RandomAccess.FlushToDisk(handle);
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
            _confirmed = confirmed,
            _committed = new SpoolPosition(activeId, sizes[activeId]),
            _pendingRecords = pending,
        };
        foreach (var (id, size) in sizes)
        {
            spool._segmentSizes[id] = size;
            spool._diskBytes += size;
        }

        if (pending > 0) LogRecovered(logger, pending, confirmed);
        return spool;
    }

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
            _pendingRecords += _uncommittedRecords;
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

    /// <summary>A reader starting at the confirmed position (the only reader the spool should have).</summary>
    public SpoolReader CreateReader() => new(this, ConfirmedPosition);

    /// <summary>
    /// Records up to <paramref name="position"/> (<paramref name="records"/> of them since the last confirmation)
    /// are safely stored elsewhere: checkpoint them (fsync) and delete segments wholly before it.
    /// </summary>
    public void Confirm(SpoolPosition position, long records)
    {
        lock (_sync)
        {
            if (position <= _confirmed) return;
            if (position > _committed) throw new ArgumentOutOfRangeException(nameof(position), position, "beyond the committed end");
        }

        // A checkpoint that cannot be written (full disk) must not stop the deletion below, or a spool that filled its
        // disk could never free it: Open treats segments missing before the first one left as confirmed, so a lagging
        // checkpoint only means more is replayed (idempotent writes).
        string? checkpointError = null;
        try
        {
            WriteCheckpoint(_options.Directory, position);
        }
        catch (IOException ex)
        {
            checkpointError = ex.Message;
            try { File.Delete(Path.Combine(_options.Directory, CheckpointName + ".tmp")); } catch (IOException) { }
        }

        var deleted = new List<long>();
        TaskCompletionSource signal;
        lock (_sync)
        {
            if (checkpointError is not null && _checkpointError is null) LogCheckpointFailed(_logger, position, checkpointError);
            _checkpointError = checkpointError;
            _confirmed = position;
            _pendingRecords = Math.Max(0, _pendingRecords - records);
            foreach (var (id, size) in _segmentSizes)
            {
                if (id >= position.Segment) break;
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
            _dataSignal.TrySetCanceled();
            _spaceSignal.TrySetCanceled();
        }
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

    private static SpoolPosition ReadCheckpoint(string directory, ILogger logger)
    {
        string path = Path.Combine(directory, CheckpointName);
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

    private void WriteCheckpoint(string directory, SpoolPosition position)
    {
        Span<byte> data = stackalloc byte[CheckpointSize];
        BinaryPrimitives.WriteInt64LittleEndian(data, position.Segment);
        BinaryPrimitives.WriteInt64LittleEndian(data[8..], position.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(data[16..], Crc32C.Compute(data[..16]));
        string path = Path.Combine(directory, CheckpointName);
        string temporary = path + ".tmp";
        _files.WriteCheckpoint(temporary, data);

        // If the rename is lost in a crash the old checkpoint stays: more is replayed, nothing is lost.
        File.Move(temporary, path, overwrite: true);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Spool segment {Segment}: torn or corrupt tail at offset {Offset} ({Bytes} bytes) truncated")]
    private static partial void LogTornTail(ILogger logger, long segment, long offset, long bytes);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Spool holds {Records} unconfirmed record(s) from {Position}; they will be written again")]
    private static partial void LogRecovered(ILogger logger, long records, SpoolPosition position);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Spool write failed ({Error}); {Records} record(s) ({Bytes} bytes) kept in memory, ingest paused until the disk takes them")]
    private static partial void LogAppendFailed(ILogger logger, long records, long bytes, string error);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Spool writes work again")]
    private static partial void LogAppendWorks(ILogger logger);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Spool checkpoint {Position} could not be written ({Error}); confirmed segments are deleted all the same, a restart replays more")]
    private static partial void LogCheckpointFailed(ILogger logger, SpoolPosition position, string error);
}
