using System.Globalization;

namespace Tracking.Influx.Query;

/// <summary>
/// One series of an InfluxQL result: <see cref="RowCount"/> rows of cells aligned with <see cref="Columns"/>, stored in
/// typed columns (<see cref="InfluxCellKind"/>) and read by row and column index without boxing (<see cref="Long"/>,
/// <see cref="Double"/>, <see cref="String"/>, <see cref="Bool"/>). <see cref="Values"/> and <see cref="Column"/> box
/// every cell (long, double, string, bool or null) and are for callers that read a few.
/// </summary>
public sealed class InfluxSeries
{
    private readonly List<CellColumn> _cells;
    private List<object?[]>? _values;

    internal InfluxSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, List<CellColumn> cells, int rows)
    {
        Name = name;
        Tags = tags;
        Columns = columns;
        _cells = cells;
        RowCount = rows;
    }

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Tags { get; }

    public IReadOnlyList<string> Columns { get; }

    public int RowCount { get; private set; }

    /// <summary>Every row as boxed cells (built on first use): as wide as the widest row or the column names.</summary>
    public IReadOnlyList<object?[]> Values => _values ??= [.. Enumerable.Range(0, RowCount).Select(Row)];

    /// <summary>Index of <paramref name="column"/>, or -1.</summary>
    public int ColumnIndex(string column)
    {
        for (int i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The cells of <paramref name="column"/>, one per row, boxed.</summary>
    public IEnumerable<object?> Column(string column)
    {
        int index = ColumnIndex(column);
        if (index < 0)
        {
            throw new KeyNotFoundException($"Series '{Name}' has no column '{column}'.");
        }

        return Enumerable.Range(0, RowCount).Select(row => Cell(row, index));
    }

    /// <summary>What the cell holds; <see cref="InfluxCellKind.Null"/> for a column index out of range (-1: not found).</summary>
    public InfluxCellKind Kind(int row, int column) => Cells(row, column) is { } c ? c.Kind(row) : InfluxCellKind.Null;

    /// <summary>An integer, or a float of integral value below 2^53 (as a float field of integral value may come); else null.</summary>
    public long? Long(int row, int column) => Cells(row, column) is not { } c ? null : c.Kind(row) switch
    {
        InfluxCellKind.Long => c.Bits(row),
        InfluxCellKind.Double when BitConverter.Int64BitsToDouble(c.Bits(row)) is var d && d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
        _ => null,
    };

    /// <summary>A number as a double; NaN for anything else (null, a string, a bool).</summary>
    public double Double(int row, int column) => Cells(row, column) is not { } c ? double.NaN : c.Kind(row) switch
    {
        InfluxCellKind.Double => BitConverter.Int64BitsToDouble(c.Bits(row)),
        InfluxCellKind.Long => c.Bits(row),
        _ => double.NaN,
    };

    /// <summary>A bool; null for anything else.</summary>
    public bool? Bool(int row, int column) => Kind(row, column) == InfluxCellKind.Bool ? _cells[column].Bits(row) != 0 : null;

    /// <summary>A string as it came; a number or bool in its invariant text; null for null.</summary>
    public string? String(int row, int column) => Cells(row, column) is not { } c ? null : c.Kind(row) switch
    {
        InfluxCellKind.String => c.Text(row),
        InfluxCellKind.Long => c.Bits(row).ToString(CultureInfo.InvariantCulture),
        InfluxCellKind.Double => BitConverter.Int64BitsToDouble(c.Bits(row)).ToString(CultureInfo.InvariantCulture),
        InfluxCellKind.Bool => c.Bits(row) != 0 ? bool.TrueString : bool.FalseString,
        _ => null,
    };

    /// <summary>The cell boxed: long, double, string, bool or null.</summary>
    public object? Cell(int row, int column) => Cells(row, column) is not { } c ? null : c.Kind(row) switch
    {
        InfluxCellKind.Long => c.Bits(row),
        InfluxCellKind.Double => BitConverter.Int64BitsToDouble(c.Bits(row)),
        InfluxCellKind.String => c.Text(row),
        InfluxCellKind.Bool => c.Bits(row) != 0,
        _ => null,
    };

    internal bool SameSeries(string name, IReadOnlyDictionary<string, string> tags) =>
        Name == name && Tags.Count == tags.Count && Tags.All(t => tags.TryGetValue(t.Key, out string? v) && v == t.Value);

    /// <summary>Appends the rows of <paramref name="piece"/> (the next chunk of this series), column by position.</summary>
    internal void Append(InfluxSeries piece)
    {
        for (int i = 0; i < piece._cells.Count; i++)
        {
            if (i == _cells.Count)
            {
                var added = new CellColumn(RowCount + piece.RowCount);
                added.PadTo(RowCount);
                _cells.Add(added);
            }
            _cells[i].Append(piece._cells[i]);
        }
        RowCount += piece.RowCount;
        foreach (CellColumn c in _cells) c.PadTo(RowCount);
        _values = null;
    }

    private CellColumn? Cells(int row, int column)
    {
        if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row), row, $"the series has {RowCount} rows");
        return (uint)column < (uint)_cells.Count ? _cells[column] : null;
    }

    private object?[] Row(int row)
    {
        object?[] cells = new object?[Math.Max(_cells.Count, Columns.Count)];
        for (int i = 0; i < cells.Length; i++) cells[i] = Cell(row, i);
        return cells;
    }
}
