namespace Tracking.Influx.Query;

/// <summary>
/// One column of a series, typed: a kind per cell and its value in a 64-bit slot (a long, a double's bits, a bool), strings
/// apart. No cell is an object: a 30-day history is about 100,000 numbers, which were as many boxes
/// (bench/README.md, "fan-out and history").
/// </summary>
internal sealed class CellColumn
{
    private InfluxCellKind[] _kinds;
    private long[] _bits;
    private string?[]? _strings;

    public CellColumn(int capacity)
    {
        _kinds = new InfluxCellKind[Math.Max(4, capacity)];
        _bits = new long[_kinds.Length];
    }

    public int Count { get; private set; }

    public InfluxCellKind Kind(int row) => _kinds[row];

    public long Bits(int row) => _bits[row];

    public string? Text(int row) => _strings?[row];

    public void AddNull() => Add(InfluxCellKind.Null, 0);

    public void AddLong(long value) => Add(InfluxCellKind.Long, value);

    public void AddDouble(double value) => Add(InfluxCellKind.Double, BitConverter.DoubleToInt64Bits(value));

    public void AddBool(bool value) => Add(InfluxCellKind.Bool, value ? 1 : 0);

    public void AddString(string value)
    {
        int row = Count;
        Add(InfluxCellKind.String, 0);
        _strings ??= new string?[_kinds.Length];
        if (_strings.Length < _kinds.Length) Array.Resize(ref _strings, _kinds.Length);
        _strings[row] = value;
    }

    /// <summary>Nulls up to <paramref name="rows"/> cells (a column that a row did not reach, or one added late).</summary>
    public void PadTo(int rows)
    {
        while (Count < rows) AddNull();
    }

    /// <summary>Appends every cell of <paramref name="other"/> (the next piece of a chunked series).</summary>
    public void Append(CellColumn other)
    {
        for (int i = 0; i < other.Count; i++)
        {
            switch (other._kinds[i])
            {
                case InfluxCellKind.String: AddString(other._strings![i]!); break;
                default: Add(other._kinds[i], other._bits[i]); break;
            }
        }
    }

    private void Add(InfluxCellKind kind, long bits)
    {
        if (Count == _kinds.Length)
        {
            Array.Resize(ref _kinds, _kinds.Length * 2);
            Array.Resize(ref _bits, _kinds.Length);
        }
        _kinds[Count] = kind;
        _bits[Count] = bits;
        Count++;
    }
}
