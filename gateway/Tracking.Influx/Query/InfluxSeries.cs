namespace Tracking.Influx.Query;

/// <summary>One series of an InfluxQL result: rows of <see cref="Values"/> aligned with <see cref="Columns"/>.
/// Cells are <see cref="long"/> (integers, and times with <c>epoch</c>), <see cref="double"/>, <see cref="string"/>,
/// <see cref="bool"/> or null.</summary>
public sealed class InfluxSeries
{
    private readonly List<object?[]> _values;

    public InfluxSeries(string name, IReadOnlyDictionary<string, string> tags, IReadOnlyList<string> columns, List<object?[]> values)
    {
        Name = name;
        Tags = tags;
        Columns = columns;
        _values = values;
    }

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Tags { get; }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<object?[]> Values => _values;

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

    /// <summary>The cells of <paramref name="column"/>, one per row.</summary>
    public IEnumerable<object?> Column(string column)
    {
        int index = ColumnIndex(column);
        if (index < 0)
        {
            throw new KeyNotFoundException($"Series '{Name}' has no column '{column}'.");
        }

        return _values.Select(row => row[index]);
    }

    internal bool SameSeries(string name, IReadOnlyDictionary<string, string> tags) =>
        Name == name && Tags.Count == tags.Count && Tags.All(t => tags.TryGetValue(t.Key, out string? v) && v == t.Value);

    internal void Append(List<object?[]> rows) => _values.AddRange(rows);
}
