using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Tracking.Gateway.Spooling;

/// <summary>
/// A durable, segmented, append-only log of records. One appender adds records and makes them durable with
/// <see cref="Commit"/> (one fsync for many records: the group commit); one <see cref="SpoolReader"/> reads committed
/// records and, once they are safely elsewhere, <see cref="Confirm"/>s them: the confirmed position is written to a
/// checkpoint file (fsynced) and segments wholly before it are deleted. After a crash, <see cref="Open"/> truncates a
/// torn last record and the reader starts again at the checkpoint, so every committed record not yet confirmed is
/// read again (at-least-once). Disk use is bounded by <see cref="SpoolOptions.MaxBytes"/>: when full,
/// <see cref="TryAppend"/> refuses and <see cref="WaitForSpaceAsync"/> waits for confirmations.
/// </summary>
public sealed partial class DiskSpool : IDisposable
{
    private const string CheckpointName = "checkpoint";
    private const int CheckpointSize = 20;

    private readonly SpoolOptions _options;
    private readonly ILogger _logger;
    private readonly object _sync = new();
    private readonly SortedDictionary<long, long> _segmentSizes = new(); // committed bytes of each segment on disk
    private SafeFileHandle _active;
    private long _activeSegment;
    private long _activeLength;      // bytes appended to the active segment (committed or not, written or buffered)
    // Appended records not yet written to the active segment: one write call per group commit instead of two per record.
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

    private DiskSpool(SpoolOptions options, ILogger logger, SafeFileHandle active, long activeSegment, long activeLength)
    {
        _options = options;
        _logger = logger;
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

    public bool IsFull { get { lock (_sync) return _diskBytes >= _options.MaxBytes; } }

    /// <summary>Opens (or creates) the spool, recovering from a crash: a torn tail is truncated.</summary>
    public static DiskSpool Open(SpoolOptions options, ILogger? logger = null)
    {
        options.Validate();
        logger ??= NullLogger.Instance;
        System.IO.Directory.CreateDirectory(options.Directory);
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
            var handle = File.OpenHandle(SegmentFile.PathOf(options.Directory, id), FileMode.OpenOrCreate,
                FileAccess.ReadWrite, FileShare.Read);
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
        var spool = new DiskSpool(options, logger, active!, activeId, sizes[activeId])
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
    /// spool is full. Only one thread may append and commit.
    /// </summary>
    public bool TryAppend(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty || payload.Length > SegmentFile.MaxPayload)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"a record is 1..{SegmentFile.MaxPayload} bytes");
        int size = SegmentFile.HeaderSize + payload.Length;
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_diskBytes + _uncommittedBytes + size > _options.MaxBytes) return false;
        }

        if (_activeLength > 0 && _activeLength + size > _options.SegmentBytes)
        {
            RollSegment();
        }

        if (_buffered + size > _appendBuffer.Length)
        {
            WriteBuffered();
            if (size > _appendBuffer.Length) _appendBuffer = new byte[Math.Max(size, _appendBuffer.Length * 2)];
        }

        Span<byte> record = _appendBuffer.AsSpan(_buffered, size);
        SegmentFile.WriteHeader(record, payload);
        payload.CopyTo(record[SegmentFile.HeaderSize..]);
        _buffered += size;
        _activeLength += size;
        _uncommittedBytes += size;
        _uncommittedRecords++;
        return true;
    }

    /// <summary>Makes every appended record durable (fsync) and visible to the reader.</summary>
    public void Commit()
    {
        if (_uncommittedRecords == 0) return;
        WriteBuffered();
        RandomAccess.FlushToDisk(_active);
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

        signal.TrySetResult();
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

        WriteCheckpoint(_options.Directory, position);
        var deleted = new List<long>();
        TaskCompletionSource signal;
        lock (_sync)
        {
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
            WriteBuffered();
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

    private void RollSegment()
    {
        // The old segment must be durable before records after it are: fsync it before moving on.
        WriteBuffered();
        RandomAccess.FlushToDisk(_active);
        long next = _activeSegment + 1;
        var handle = File.OpenHandle(SegmentFile.PathOf(_options.Directory, next), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
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
    }

    /// <summary>Writes the buffered appends to the end of the active segment (not fsynced).</summary>
    private void WriteBuffered()
    {
        if (_buffered == 0) return;
        RandomAccess.Write(_active, _appendBuffer.AsSpan(0, _buffered), _activeLength - _buffered);
        _buffered = 0;
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

    private static void WriteCheckpoint(string directory, SpoolPosition position)
    {
        Span<byte> data = stackalloc byte[CheckpointSize];
        BinaryPrimitives.WriteInt64LittleEndian(data, position.Segment);
        BinaryPrimitives.WriteInt64LittleEndian(data[8..], position.Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(data[16..], Crc32C.Compute(data[..16]));
        string path = Path.Combine(directory, CheckpointName);
        string temporary = path + ".tmp";
        using (var handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write))
        {
            RandomAccess.Write(handle, data, 0);
            RandomAccess.FlushToDisk(handle);
        }

        // If the rename is lost in a crash the old checkpoint stays: more is replayed, nothing is lost.
        File.Move(temporary, path, overwrite: true);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Spool segment {Segment}: torn or corrupt tail at offset {Offset} ({Bytes} bytes) truncated")]
    private static partial void LogTornTail(ILogger logger, long segment, long offset, long bytes);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Spool holds {Records} unconfirmed record(s) from {Position}; they will be written again")]
    private static partial void LogRecovered(ILogger logger, long records, SpoolPosition position);
}
