using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tracking.Influx.Query;

/// <summary>
/// Reads a 1.x <c>/query</c> response: one JSON document, or with <c>chunked=true</c> a stream of documents,
/// each <c>{"results":[{"statement_id":N,"series":[...],"partial":true}]}</c>. A series cut across chunks
/// (marked <c>"partial":true</c>) is continued by the next piece with the same name and tags; pieces are merged.
/// The bytes are the server's, so untrusted: anything that is not such a response (bad JSON, a cut-off document, a
/// name or row of the wrong type, a number beyond a double) is an <see cref="InfluxQueryException"/>, never another error.
/// Parsed with <see cref="Utf8JsonReader"/> straight into typed columns (<see cref="CellColumn"/>): no document object
/// per chunk and no box per cell, which a 30-day history (about 100,000 numbers) paid before (bench/README.md, history).
/// </summary>
internal static class QueryResponseReader
{
    private const int InitialBuffer = 64 * 1024;

    private static readonly JsonReaderOptions Options = new() { AllowMultipleValues = true, MaxDepth = 64 };

    public static async Task<InfluxQueryResult> ReadAsync(Stream utf8Json, CancellationToken cancellationToken)
    {
        var statements = new SortedDictionary<int, List<InfluxSeries>>();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        try
        {
            int end = 0;
            bool eof = false;
            while (true)
            {
                // Fill the buffer before looking for documents, so a document longer than what one read brings is
                // scanned about twice in all (the buffer doubles), not once per read.
                while (end < buffer.Length && !eof)
                {
                    int read = await utf8Json.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                    if (read == 0) eof = true;
                    end += read;
                }
                int used = ParseDocuments(buffer.AsSpan(0, end), eof, statements);
                if (eof) break;
                if (used == 0 && end == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, end).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                    continue;
                }
                buffer.AsSpan(used, end - used).CopyTo(buffer);
                end -= used;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new InfluxQueryResult(statements.Select(s => new InfluxStatementResult(s.Key, s.Value)).ToList());
    }

    /// <summary>Parses every whole document of <paramref name="bytes"/>; returns the bytes they took.</summary>
    private static int ParseDocuments(ReadOnlySpan<byte> bytes, bool final, SortedDictionary<int, List<InfluxSeries>> statements)
    {
        int used = 0;
        try
        {
            while (true)
            {
                var reader = new Utf8JsonReader(bytes[used..], final, new JsonReaderState(Options));
                if (!reader.Read()) return used; // only blanks, or the start of a token still coming
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new InfluxQueryException($"Unexpected query response element: {reader.TokenType}.");
                }
                int start = (int)reader.TokenStartIndex;
                if (!reader.TrySkip()) return used; // the document goes on in bytes not read yet
                int length = (int)reader.BytesConsumed - start;
                ParseDocument(bytes.Slice(used + start, length), statements);
                used += start + length;
            }
        }
        catch (JsonException ex)
        {
            throw Malformed(ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            throw Malformed(ex.Message); // a string that is not UTF-8
        }
    }

    private static void ParseDocument(ReadOnlySpan<byte> document, SortedDictionary<int, List<InfluxSeries>> statements)
    {
        var reader = new Utf8JsonReader(document, isFinalBlock: true, new JsonReaderState(Options));
        reader.Read();
        for (ResponseKey key = Property(ref reader); key != ResponseKey.End; key = Property(ref reader))
        {
            if (key == ResponseKey.Error)
            {
                throw new InfluxQueryException(Text(ref reader, document));
            }
            if (key == ResponseKey.Results && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.StartObject) ParseResult(ref reader, document, statements);
                    else reader.Skip();
                }
                continue;
            }
            reader.Skip();
        }
    }

    private static void ParseResult(ref Utf8JsonReader reader, ReadOnlySpan<byte> document, SortedDictionary<int, List<InfluxSeries>> statements)
    {
        int id = 0;
        string? error = null;
        List<InfluxSeries> pieces = [];
        for (ResponseKey key = Property(ref reader); key != ResponseKey.End; key = Property(ref reader))
        {
            if (key == ResponseKey.StatementId)
            {
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int n)) id = n;
                else reader.Skip();
            }
            else if (key == ResponseKey.Error)
            {
                error = Text(ref reader, document);
            }
            else if (key == ResponseKey.Series && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject) throw Malformed($"a series is {reader.TokenType}, not an object");
                    pieces.Add(ParseSeries(ref reader, document));
                }
            }
            else
            {
                reader.Skip();
            }
        }
        if (error is not null)
        {
            throw new InfluxQueryException($"Statement {id} failed: {error}", statementId: id);
        }

        if (!statements.TryGetValue(id, out List<InfluxSeries>? series))
        {
            statements[id] = series = [];
        }
        foreach (InfluxSeries piece in pieces)
        {
            if (series.Count > 0 && series[^1].SameSeries(piece.Name, piece.Tags)) series[^1].Append(piece);
            else series.Add(piece);
        }
    }

    private static InfluxSeries ParseSeries(ref Utf8JsonReader reader, ReadOnlySpan<byte> document)
    {
        string name = "";
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        List<string> columns = [];
        List<CellColumn> cells = [];
        int rows = 0;
        for (ResponseKey key = Property(ref reader); key != ResponseKey.End; key = Property(ref reader))
        {
            if (key == ResponseKey.Name)
            {
                name = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString()!,
                    JsonTokenType.Null => "",
                    _ => throw Malformed($"a series name is {reader.TokenType}"),
                };
            }
            else if (key == ResponseKey.Tags && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string tagName = reader.GetString()!;
                    reader.Read();
                    tags[tagName] = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString()!,
                        JsonTokenType.Null => "",
                        _ => Text(ref reader, document),
                    };
                }
            }
            else if (key == ResponseKey.Columns && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    columns.Add(reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString()!,
                        JsonTokenType.Null => "",
                        _ => throw Malformed($"a column name is {reader.TokenType}"),
                    });
                }
            }
            else if (key == ResponseKey.Values && reader.TokenType == JsonTokenType.StartArray)
            {
                rows = ReadRows(ref reader, document, cells);
            }
            else
            {
                reader.Skip();
            }
        }
        foreach (CellColumn c in cells) c.PadTo(rows);
        return new InfluxSeries(name, tags, columns, cells, rows);
    }

    /// <summary>The rows of a <c>values</c> array into <paramref name="cells"/> by position; returns how many.</summary>
    private static int ReadRows(ref Utf8JsonReader reader, ReadOnlySpan<byte> document, List<CellColumn> cells)
    {
        int rows = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray) throw Malformed($"a row is {reader.TokenType}, not an array");
            int i = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (i == cells.Count)
                {
                    var added = new CellColumn(rows + 1);
                    added.PadTo(rows);
                    cells.Add(added);
                }
                CellColumn c = cells[i++];
                switch (reader.TokenType)
                {
                    case JsonTokenType.Number when reader.TryGetInt64(out long l):
                        c.AddLong(l);
                        break;
                    case JsonTokenType.Number:
                        if (!reader.TryGetDouble(out double d) || !double.IsFinite(d))
                        {
                            throw Malformed($"the number {Encoding.UTF8.GetString(reader.ValueSpan)} is beyond a double");
                        }
                        c.AddDouble(d);
                        break;
                    case JsonTokenType.String:
                        c.AddString(reader.GetString()!);
                        break;
                    case JsonTokenType.True:
                    case JsonTokenType.False:
                        c.AddBool(reader.TokenType == JsonTokenType.True);
                        break;
                    case JsonTokenType.Null:
                        c.AddNull();
                        break;
                    default:
                        c.AddString(Text(ref reader, document)); // an object or array cell: its JSON text
                        break;
                }
            }
            rows++;
            for (; i < cells.Count; i++) cells[i].PadTo(rows);
        }
        return rows;
    }

    /// <summary>
    /// Moves to the next property's value and says which it is (<see cref="ResponseKey.End"/> at the object's end). Names
    /// are compared in place, unescaped as needed, without a string each.
    /// </summary>
    private static ResponseKey Property(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName) return ResponseKey.End;
        ResponseKey key = reader.ValueTextEquals("values"u8) ? ResponseKey.Values
            : reader.ValueTextEquals("columns"u8) ? ResponseKey.Columns
            : reader.ValueTextEquals("name"u8) ? ResponseKey.Name
            : reader.ValueTextEquals("tags"u8) ? ResponseKey.Tags
            : reader.ValueTextEquals("series"u8) ? ResponseKey.Series
            : reader.ValueTextEquals("statement_id"u8) ? ResponseKey.StatementId
            : reader.ValueTextEquals("results"u8) ? ResponseKey.Results
            : reader.ValueTextEquals("error"u8) ? ResponseKey.Error
            : ResponseKey.Other;
        reader.Read();
        return key;
    }

    /// <summary>A string value as it is; any other value (a number, an object) as its JSON text.</summary>
    private static string Text(ref Utf8JsonReader reader, ReadOnlySpan<byte> document)
    {
        if (reader.TokenType == JsonTokenType.String) return reader.GetString()!;
        int start = (int)reader.TokenStartIndex;
        reader.Skip();
        return Encoding.UTF8.GetString(document[start..(int)reader.BytesConsumed]);
    }

    private static InfluxQueryException Malformed(string problem) => new($"Malformed query response: {problem}.");
}
