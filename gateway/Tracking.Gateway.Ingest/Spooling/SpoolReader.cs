using Microsoft.Win32.SafeHandles;

namespace Tracking.Gateway.Ingest.Spooling;

/// <summary>
/// Reads committed records of a <see cref="DiskSpool"/> in order for one named reader, in blocks (one read call for many
/// records). Reading does not confirm: the owner calls <see cref="Confirm"/> once it is done with the records.
/// </summary>
public sealed class SpoolReader : IDisposable
{
    private readonly DiskSpool _spool;
    private byte[] _buffer = new byte[256 * 1024];
    private SafeFileHandle? _file;
    private long _fileSegment = -1;

    internal SpoolReader(DiskSpool spool, string name, SpoolPosition start)
    {
        _spool = spool;
        Name = name;
        Position = start;
    }

    /// <summary>The reader whose checkpoint <see cref="Confirm"/> moves.</summary>
    public string Name { get; }

    /// <summary>This reader is done with the records up to <paramref name="position"/> (<paramref name="records"/> of them).</summary>
    public void Confirm(SpoolPosition position, long records) => _spool.Confirm(position, records, Name);

    /// <summary>Position after the last record read.</summary>
    public SpoolPosition Position { get; private set; }

    /// <summary>Whether there is a committed record to read now.</summary>
    public bool HasData => _spool.IsCommittedBeyond(Position);

    /// <summary>Completes when there is a committed record to read.</summary>
    public Task WaitAsync(CancellationToken ct) => _spool.WaitForDataAsync(Position, ct);

    /// <summary>Completes with true when there is a committed record to read, false after <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _spool.WaitForDataAsync(Position, timeout, ct);

    /// <summary>Reads up to <paramref name="maxRecords"/> committed records; returns how many were read (0: none yet).</summary>
    public int Read<TState>(int maxRecords, TState state, SpoolRecordHandler<TState> handler)
    {
        int count = 0;
        while (count < maxRecords)
        {
            long end = _spool.CommittedLength(Position.Segment);
            if (Position.Offset >= end)
            {
                if (_spool.NextSegment(Position.Segment) is not long next) break;
                Position = new SpoolPosition(next, 0);
                continue;
            }

            SafeFileHandle file = OpenSegment(Position.Segment);
            int want = (int)Math.Min(_buffer.Length, end - Position.Offset);
            int read = RandomAccess.Read(file, _buffer.AsSpan(0, want), Position.Offset);
            if (read <= 0) throw new IOException($"spool segment {Position.Segment} is shorter than its committed length {end}");
            int used = 0;
            while (count < maxRecords)
            {
                int size = SegmentFile.TryParse(_buffer.AsSpan(used, read - used), out ReadOnlySpan<byte> payload);
                if (size == 0)
                {
                    if (used == 0) _buffer = new byte[_buffer.Length * 2];
                    break;
                }

                if (size < 0)
                {
                    // Committed data passed its CRC when recovered or was written by us: damage on disk. Skip the
                    // rest of the segment rather than stall forever; later segments are still read.
                    throw new InvalidDataException($"spool segment {Position.Segment} is corrupt at offset {Position.Offset + used}");
                }

                used += size;
                count++;
                handler(payload, new SpoolPosition(Position.Segment, Position.Offset + used), state);
            }

            Position = new SpoolPosition(Position.Segment, Position.Offset + used);
        }

        return count;
    }

    /// <summary>
    /// Moves past records another reader already read for this one (a <see cref="Consumers.DecodedBatchRing"/> hit):
    /// <paramref name="position"/> must be a record boundary at or after <see cref="Position"/>, and committed.
    /// </summary>
    internal void Advance(SpoolPosition position)
    {
        if (position < Position) throw new ArgumentOutOfRangeException(nameof(position), position, $"reader {Name} is at {Position} already");
        Position = position;
    }

    /// <summary>Moves past the rest of the current segment (after <see cref="InvalidDataException"/>).</summary>
    public void SkipSegment() => Position = new SpoolPosition(Position.Segment, _spool.CommittedLength(Position.Segment));

    public void Dispose() => _file?.Dispose();

    private SafeFileHandle OpenSegment(long segment)
    {
        if (_file is not null && _fileSegment == segment) return _file;
        _file?.Dispose();
        _file = File.OpenHandle(SegmentFile.PathOf(_spool.Directory, segment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _fileSegment = segment;
        return _file;
    }
}
