using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using Tracking.Formatting;

namespace Tracking.Influx.LineProtocol;

/// <summary>
/// A growable, pooled UTF-8 buffer of complete line-protocol lines, each carrying the caller's item id so
/// write results can be mapped back to the records they came from. Lines are built in place through
/// <see cref="BeginLine"/> without allocating; a line whose encoding fails is removed again, so the buffer
/// only ever holds complete, valid lines. Not thread-safe.
/// </summary>
public sealed class LineProtocolBuffer : IDisposable
{
    private const int MaxNumberLength = 32;

    private byte[] _bytes;
    private int _length;
    private int _committedLength;
    private int[] _lineEnds;
    private long[] _itemIds;
    private int _lineCount;

    // State of the line under construction; _openGeneration == 0 means no line is open.
    private int _generation;
    private int _openGeneration;
    private long _openItemId;
    private string[] _tagKeys = new string[8];
    private int _tagCount;
    private string[] _fieldKeys = new string[8];
    private int _fieldCount;

    public LineProtocolBuffer(WritePrecision precision = WritePrecision.Milliseconds, int initialCapacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialCapacity);
        Precision = precision;
        _bytes = ArrayPool<byte>.Shared.Rent(initialCapacity);
        _lineEnds = ArrayPool<int>.Shared.Rent(64);
        _itemIds = ArrayPool<long>.Shared.Rent(64);
    }

    /// <summary>Unit of the timestamps written into this buffer.</summary>
    public WritePrecision Precision { get; }

    /// <summary>Number of complete lines.</summary>
    public int LineCount => _lineCount;

    /// <summary>Size in bytes of the complete lines, newlines included.</summary>
    public int ByteCount => _committedLength;

    /// <summary>All complete lines, each terminated by <c>\n</c>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _bytes.AsMemory(0, _committedLength);

    /// <summary>Lines <paramref name="start"/> .. <paramref name="start"/>+<paramref name="count"/>-1 as one
    /// contiguous request body (each line terminated by <c>\n</c>).</summary>
    public ReadOnlyMemory<byte> GetLines(int start, int count)
    {
        if ((uint)start > (uint)_lineCount || (uint)count > (uint)(_lineCount - start))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        if (count == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        int from = start == 0 ? 0 : _lineEnds[start - 1];
        return _bytes.AsMemory(from, _lineEnds[start + count - 1] - from);
    }

    /// <summary>One line without its terminating newline.</summary>
    public ReadOnlySpan<byte> GetLine(int index)
    {
        ReadOnlySpan<byte> line = GetLines(index, 1).Span;
        return line[..^1];
    }

    public long GetItemId(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_lineCount, nameof(index));
        return _itemIds[index];
    }

    /// <summary>
    /// Starts a line. An unfinished line (whose builder was abandoned) is discarded first.
    /// </summary>
    /// <param name="measurement">Measurement name; see <see cref="EscapeRules"/> for what is rejected.</param>
    /// <param name="itemId">Caller's id for this line, reported back in write results and dead letters.</param>
    public LineBuilder BeginLine(ReadOnlySpan<char> measurement, long itemId = 0)
    {
        AbandonLine();
        _openGeneration = ++_generation == 0 ? ++_generation : _generation;
        _openItemId = itemId;
        try
        {
            WriteEscaped(EscapeRules.Measurement, measurement, prefix: 0);
        }
        catch
        {
            AbandonLine();
            throw;
        }

        return new LineBuilder(this, _openGeneration);
    }

    /// <summary>Removes the line under construction, if any.</summary>
    public void AbandonLine()
    {
        _length = _committedLength;
        _openGeneration = 0;
        Array.Clear(_tagKeys, 0, _tagCount);
        Array.Clear(_fieldKeys, 0, _fieldCount);
        _tagCount = 0;
        _fieldCount = 0;
    }

    /// <summary>Removes every line; the pooled memory is kept for reuse.</summary>
    public void Clear()
    {
        AbandonLine();
        _length = 0;
        _committedLength = 0;
        _lineCount = 0;
    }

    public void Dispose()
    {
        AbandonLine();
        byte[] bytes = _bytes;
        _bytes = [];
        _length = _committedLength = _lineCount = 0;
        if (bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<int>.Shared.Return(_lineEnds);
            ArrayPool<long>.Shared.Return(_itemIds);
            _lineEnds = [];
            _itemIds = [];
        }
    }

    /// <summary>
    /// Drops the open line and every complete line from <paramref name="lineCount"/> on: a caller that writes several
    /// lines for one item and fails half-way takes the item back whole.
    /// </summary>
    public void TruncateLines(int lineCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)lineCount, (uint)_lineCount, nameof(lineCount));
        AbandonLine();
        _lineCount = lineCount;
        _committedLength = _length = lineCount == 0 ? 0 : _lineEnds[lineCount - 1];
    }

    internal void SetItemId(int index, long itemId)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_lineCount, nameof(index));
        _itemIds[index] = itemId;
    }

    internal void AddTag(int generation, string key, ReadOnlySpan<char> value)
    {
        EnsureOpen(generation);
        try
        {
            if (_fieldCount > 0)
            {
                throw new InvalidOperationException("Tags must be added before the first field.");
            }

            RememberKey(ref _tagKeys, ref _tagCount, key, LineElement.TagKey);
            WriteEscaped(EscapeRules.TagKey, key, prefix: (byte)',');
            WriteEscaped(EscapeRules.TagValue, value, prefix: (byte)'=');
        }
        catch
        {
            AbandonLine();
            throw;
        }
    }

    internal void AddFloat(int generation, string key, double value)
    {
        EnsureOpen(generation);
        try
        {
            if (!double.IsFinite(value))
            {
                throw new LineProtocolException(LineElement.FloatFieldValue, $"{value.ToString(CultureInfo.InvariantCulture)} is not representable in line protocol");
            }

            WriteFieldKey(key);
            Span<byte> span = Reserve(MaxNumberLength);
            // "R" is the shortest string that parses back to the same double (exact round trip); invariant
            // culture guarantees '.' and "E+nn", both accepted by influxd 1.6 and later.
            _length += FloatFormat.Write(value, span);
        }
        catch
        {
            AbandonLine();
            throw;
        }
    }

    internal void AddInteger(int generation, string key, long value)
    {
        EnsureOpen(generation);
        try
        {
            WriteFieldKey(key);
            Span<byte> span = Reserve(MaxNumberLength);
            Utf8Formatter.TryFormat(value, span, out int written);
            span[written++] = (byte)'i';
            _length += written;
        }
        catch
        {
            AbandonLine();
            throw;
        }
    }

    internal void AddBoolean(int generation, string key, bool value)
    {
        EnsureOpen(generation);
        try
        {
            WriteFieldKey(key);
            Span<byte> span = Reserve(5);
            (value ? "true"u8 : "false"u8).CopyTo(span);
            _length += value ? 4 : 5;
        }
        catch
        {
            AbandonLine();
            throw;
        }
    }

    internal void AddString(int generation, string key, ReadOnlySpan<char> value)
    {
        EnsureOpen(generation);
        try
        {
            WriteFieldKey(key);
            Span<byte> span = Reserve(EscapeRules.MaxEncodedLength(value.Length) + 2);
            span[0] = (byte)'"';
            int written = 1 + EscapeRules.StringFieldValue.Write(value, span[1..]);
            span[written++] = (byte)'"';
            _length += written;
        }
        catch
        {
            AbandonLine();
            throw;
        }
    }

    internal void End(int generation, long? timestamp)
    {
        EnsureOpen(generation);
        try
        {
            if (_fieldCount == 0)
            {
                throw new InvalidOperationException("A point needs at least one field.");
            }

            Span<byte> span = Reserve(MaxNumberLength);
            int written = 0;
            if (timestamp is long ts)
            {
                if (!Precision.IsInRange(ts))
                {
                    throw new LineProtocolException(LineElement.Timestamp, $"{ts} ({Precision}) is outside InfluxDB's time range");
                }

                span[written++] = (byte)' ';
                Utf8Formatter.TryFormat(ts, span[written..], out int digits);
                written += digits;
            }

            span[written++] = (byte)'\n';
            _length += written;
            CommitLine();
        }
        catch
        {
            AbandonLine();
            throw;
        }
    }

    private void CommitLine()
    {
        if (_lineCount == _lineEnds.Length)
        {
            Grow(ref _lineEnds, _lineCount);
            Grow(ref _itemIds, _lineCount);
        }

        _lineEnds[_lineCount] = _length;
        _itemIds[_lineCount] = _openItemId;
        _lineCount++;
        _committedLength = _length;
        AbandonLine();
    }

    private void WriteFieldKey(string key)
    {
        RememberKey(ref _fieldKeys, ref _fieldCount, key, LineElement.FieldKey);
        WriteEscaped(EscapeRules.FieldKey, key, prefix: _fieldCount == 1 ? (byte)' ' : (byte)',');
        Reserve(1)[0] = (byte)'=';
        _length++;
    }

    private void WriteEscaped(EscapeRules rules, ReadOnlySpan<char> value, byte prefix)
    {
        Span<byte> span = Reserve(EscapeRules.MaxEncodedLength(value.Length) + 1);
        int written = 0;
        if (prefix != 0)
        {
            span[written++] = prefix;
        }

        written += rules.Write(value, span[written..]);
        _length += written;
    }

    private static void RememberKey(ref string[] keys, ref int count, string key, LineElement element)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (int i = 0; i < count; i++)
        {
            if (string.Equals(keys[i], key, StringComparison.Ordinal))
            {
                // influxd rejects duplicate tags ("duplicate tags") and silently keeps the last duplicate field.
                throw new LineProtocolException(element, $"'{key}' appears twice in one point");
            }
        }

        if (count == keys.Length)
        {
            Array.Resize(ref keys, count * 2);
        }

        keys[count++] = key;
    }

    private void EnsureOpen(int generation)
    {
        if (generation == 0 || generation != _openGeneration)
        {
            throw new InvalidOperationException("This line builder is no longer current: the line was ended, abandoned or another line was begun.");
        }
    }

    private Span<byte> Reserve(int size)
    {
        if (_bytes.Length - _length < size)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(checked(_length + size), checked(_bytes.Length * 2)));
            _bytes.AsSpan(0, _length).CopyTo(larger);
            if (_bytes.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_bytes);
            }

            _bytes = larger;
        }

        return _bytes.AsSpan(_length);
    }

    private static void Grow<T>(ref T[] array, int used)
    {
        T[] larger = ArrayPool<T>.Shared.Rent(Math.Max(64, used * 2));
        array.AsSpan(0, used).CopyTo(larger);
        if (array.Length > 0)
        {
            ArrayPool<T>.Shared.Return(array);
        }

        array = larger;
    }
}
