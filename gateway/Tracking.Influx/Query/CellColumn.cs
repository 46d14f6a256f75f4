namespace Tracking.Influx.Query;

/// <summary>
/// One column of a series, typed: a kind per cell and its value in a 64-bit slot (a long, a double's bits, a bool), strings
/// apart. No cell is an object: a 30-day history is about 100,000 numbers, which were as many boxes
/// (bench/README.md, "fan-out and history"). Stored in blocks of <see cref="BlockSize"/> cells once past the first (which
/// grows from 4): a long column is never copied to grow, and wastes less than a block, where one array doubling was up to
/// three times the cells in allocations; a series of one row (the newest value per tag) still takes a few bytes.
/// </summary>
internal sealed class CellColumn
{
    private const int BlockBits = 10;
    private const int BlockSize = 1 << BlockBits, BlockMask = BlockSize - 1;

    private readonly List<Block> _blocks = [];

    public CellColumn(int capacity) => _blocks.Add(new Block(Math.Clamp(capacity, 4, BlockSize)));

    public int Count { get; private set; }

    public InfluxCellKind Kind(int row) => _blocks[row >> BlockBits].Kinds[row & BlockMask];

    public long Bits(int row) => _blocks[row >> BlockBits].Bits[row & BlockMask];

    public string? Text(int row) => _blocks[row >> BlockBits].Strings?[row & BlockMask];

    public void AddNull() => Add(InfluxCellKind.Null, 0);

    public void AddLong(long value) => Add(InfluxCellKind.Long, value);

    public void AddDouble(double value) => Add(InfluxCellKind.Double, BitConverter.DoubleToInt64Bits(value));

    public void AddBool(bool value) => Add(InfluxCellKind.Bool, value ? 1 : 0);

    public void AddString(string value)
    {
        Block block = Add(InfluxCellKind.String, 0);
        int at = (Count - 1) & BlockMask;
        block.Strings ??= new string?[block.Kinds.Length];
        block.Strings[at] = value;
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
            InfluxCellKind kind = other.Kind(i);
            if (kind == InfluxCellKind.String) AddString(other.Text(i)!);
            else Add(kind, other.Bits(i));
        }
    }

    private Block Add(InfluxCellKind kind, long bits)
    {
        int at = Count & BlockMask;
        Block block = _blocks[^1];
        if (Count == (_blocks.Count - 1) * BlockSize + block.Kinds.Length)
        {
            if (block.Kinds.Length < BlockSize)
            {
                block.Grow(Math.Min(BlockSize, block.Kinds.Length * 2));
            }
            else
            {
                block = new Block(BlockSize);
                _blocks.Add(block);
            }
        }
        block.Kinds[at] = kind;
        block.Bits[at] = bits;
        Count++;
        return block;
    }

    private sealed class Block(int size)
    {
        public InfluxCellKind[] Kinds = new InfluxCellKind[size];
        public long[] Bits = new long[size];
        public string?[]? Strings;

        public void Grow(int size)
        {
            Array.Resize(ref Kinds, size);
            Array.Resize(ref Bits, size);
            if (Strings is not null) Array.Resize(ref Strings, size);
        }
    }
}
