using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Tracking.Influx.Query;
using Tracking.Influx.Tests.Support;

namespace Tracking.Influx.Tests.Query;

/// <summary>
/// The query response parser decodes the server's bytes, so untrusted input: for any response InfluxDB could send (any
/// statements, series, tags, ragged rows, cells of every JSON type, strings with escapes, series cut across chunked
/// documents, the bytes arriving in any pieces) it gives back exactly what was sent, in typed columns; for anything
/// else (mutated, cut or random bytes) it fails with an <see cref="InfluxQueryException"/> and nothing else.
/// </summary>
public class QueryResponseReaderPropertyTests
{
    /// <summary>A cell as sent: long, double, string, bool, null, or an object/array (read back as its JSON text).</summary>
    private sealed record Cell(object? Value, string? Json = null);

    private sealed record Series(string Name, (string Key, string Value)[] Tags, string[] Columns, Cell[][] Rows);

    private sealed record Statement(int Id, Series[] Series);

    private sealed record Response(Statement[] Statements, int ChunkRows, int MaxRead, int Seed);

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Elements("", "env", "temp_c", "fleet", "CSQU3054383", "tag7", "1.0.3", "a\"b", "back\\slash", "line\nbreak", "tab\t", "é✓", "😀", "\u0001"),
        ArbMap.Default.ArbFor<NonNull<string>>().Generator.Select(s => s.Get).Where(IsUtf16));

    /// <summary>A server sends UTF-8: a lone surrogate cannot be written (nor sent).</summary>
    private static bool IsUtf16(string s)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(s);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    private static readonly Gen<Cell> Cells = Gen.Frequency(
        (4, ArbMap.Default.ArbFor<long>().Generator.Select(l => new Cell(l))),
        (4, ArbMap.Default.ArbFor<double>().Generator.Where(double.IsFinite).Select(d => new Cell(d))),
        (2, Gen.Choose(-100_000, 100_000).Select(k => new Cell(k / 100.0))),
        (2, Text.Select(s => new Cell(s))),
        (1, ArbMap.Default.ArbFor<bool>().Generator.Select(b => new Cell(b))),
        (2, Gen.Constant(new Cell(null))),
        (1, Gen.Elements(new Cell(null, "{\"a\":[1,2,{\"b\":null}]}"), new Cell(null, "[]"), new Cell(null, "[\"x\",1.5,true]"))));

    private static readonly Gen<Series> SeriesGen =
        from name in Gen.Elements("env", "shock", "tag_status", "")
        from tagCount in Gen.Choose(0, 3)
        from tagValues in Gen.ArrayOf(Text, tagCount)
        from width in Gen.Choose(0, 6)
        from columns in Gen.ArrayOf(Text, width)
        from rowCount in Gen.Choose(0, 40)
        from rows in Gen.ArrayOf(Gen.Choose(Math.Max(0, width - 2), width + 1).SelectMany(n => Gen.ArrayOf(Cells, n)), rowCount)
        select new Series(name, [.. tagValues.Select((v, i) => ("k" + i, v))], columns, rows);

    private static readonly Gen<Response> Responses =
        from statementCount in Gen.Choose(1, 3)
        from series in Gen.ArrayOf(Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(SeriesGen, n)), statementCount)
        from chunkRows in Gen.Elements(0, 1, 3, 7, 1000)
        from maxRead in Gen.Elements(1, 7, 100, 5000, 1 << 20)
        from seed in Gen.Choose(0, 1000)
        select new Response([.. series.Select((s, i) => new Statement(i, Distinct(s)))], chunkRows, maxRead, seed);

    /// <summary>Adjacent series of the same name and tags would be merged: keep them apart by a tag.</summary>
    private static Series[] Distinct(Series[] series) =>
        [.. series.Select((s, i) => s with { Tags = [.. s.Tags, ("n", i.ToString(CultureInfo.InvariantCulture))] })];

    /// <summary>
    /// The response as influxd writes it: with <see cref="Response.ChunkRows"/> &gt; 0, chunked (a document per piece of
    /// at most that many rows, "partial":true on every piece but a series' last), else one document.
    /// </summary>
    private static byte[] Encode(Response response)
    {
        using var bytes = new MemoryStream();
        if (response.ChunkRows == 0)
        {
            WriteDocument(bytes, response.Statements.Select(st => (st.Id, st.Series.Select(s => (s, s.Rows, false)).ToArray())).ToArray());
            return bytes.ToArray();
        }
        foreach (Statement st in response.Statements)
        {
            if (st.Series.Length == 0) WriteDocument(bytes, [(st.Id, [])]);
            foreach (Series s in st.Series)
            {
                int at = 0;
                do
                {
                    Cell[][] piece = [.. s.Rows.Skip(at).Take(response.ChunkRows)];
                    at += piece.Length;
                    WriteDocument(bytes, [(st.Id, [(s, piece, at < s.Rows.Length)])]);
                    bytes.WriteByte((byte)'\n');
                }
                while (at < s.Rows.Length);
            }
        }
        return bytes.ToArray();
    }

    private static void WriteDocument(Stream to, (int Id, (Series S, Cell[][] Rows, bool Partial)[] Series)[] results)
    {
        using var json = new Utf8JsonWriter(to);
        json.WriteStartObject();
        json.WriteStartArray("results");
        foreach ((int id, var series) in results)
        {
            json.WriteStartObject();
            json.WriteNumber("statement_id", id);
            if (series.Length > 0)
            {
                json.WriteStartArray("series");
                foreach ((Series s, Cell[][] rows, bool partial) in series)
                {
                    json.WriteStartObject();
                    json.WriteString("name", s.Name);
                    json.WriteStartObject("tags");
                    foreach ((string k, string v) in s.Tags) json.WriteString(k, v);
                    json.WriteEndObject();
                    json.WriteStartArray("columns");
                    foreach (string c in s.Columns) json.WriteStringValue(c);
                    json.WriteEndArray();
                    json.WriteStartArray("values");
                    foreach (Cell[] row in rows)
                    {
                        json.WriteStartArray();
                        foreach (Cell c in row) WriteCell(json, c);
                        json.WriteEndArray();
                    }
                    json.WriteEndArray();
                    if (partial) json.WriteBoolean("partial", true);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCell(Utf8JsonWriter json, Cell c)
    {
        switch (c.Value)
        {
            case long l: json.WriteNumberValue(l); break;
            case double d: json.WriteNumberValue(d); break;
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteBooleanValue(b); break;
            default:
                if (c.Json is null) json.WriteNullValue();
                else json.WriteRawValue(c.Json);
                break;
        }
    }

    /// <summary>What a cell reads back as: a double of integral value is written "55" by JSON, so it comes back a long.</summary>
    private static object? Expected(Cell c) => c.Value switch
    {
        double d when Written(d) is var text && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) => l,
        null => c.Json,
        var v => v,
    };

    private static string Written(double d)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer)) json.WriteNumberValue(d);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static InfluxQueryResult Read(byte[] bytes, int maxRead, int seed) =>
        QueryResponseReader.ReadAsync(new ChoppedStream(bytes, maxRead, seed), CancellationToken.None).GetAwaiter().GetResult();

    [Fact]
    public void Any_response_reads_back_exactly_in_typed_columns_however_it_is_chunked_and_cut()
    {
        Prop.ForAll(Responses.ToArbitrary(), response =>
        {
            InfluxQueryResult result = Read(Encode(response), response.MaxRead, response.Seed);

            Assert.Equal(response.Statements.Select(s => s.Id), result.Statements.Select(s => s.StatementId));
            foreach ((Statement st, InfluxStatementResult got) in response.Statements.Zip(result.Statements))
            {
                Assert.Equal(st.Series.Length, got.Series.Count);
                foreach ((Series s, InfluxSeries g) in st.Series.Zip(got.Series))
                {
                    Assert.Equal(s.Name, g.Name);
                    Assert.Equal(s.Tags.ToDictionary(t => t.Key, t => t.Value), g.Tags);
                    Assert.Equal(s.Columns, g.Columns);
                    Assert.Equal(s.Rows.Length, g.RowCount);
                    int width = s.Rows.Select(r => r.Length).DefaultIfEmpty(0).Max();
                    for (int row = 0; row < s.Rows.Length; row++)
                    {
                        for (int col = 0; col < width + 1; col++)
                        {
                            object? expected = col < s.Rows[row].Length ? Expected(s.Rows[row][col]) : null;
                            Assert.Equal(expected, g.Cell(row, col));
                            Assert.Equal(expected switch
                            {
                                long => InfluxCellKind.Long,
                                double => InfluxCellKind.Double,
                                string => InfluxCellKind.String,
                                bool => InfluxCellKind.Bool,
                                _ => InfluxCellKind.Null,
                            }, g.Kind(row, col));
                            double number = expected switch { long l => l, double d => d, _ => double.NaN };
                            Assert.Equal(number, g.Double(row, col));
                            if (expected is long whole) Assert.Equal(whole, g.Long(row, col));
                            if (expected is string text) Assert.Equal(text, g.String(row, col));
                        }
                    }
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Mutated_cut_or_random_bytes_fail_only_as_a_query_exception()
    {
        Gen<(byte[] Bytes, int MaxRead)> damaged =
            from response in Responses
            from kind in Gen.Choose(0, 3)
            from position in Gen.Choose(0, 1 << 20)
            from value in Gen.Choose(0, 255)
            from length in Gen.Choose(1, 20)
            select (Damage(Encode(response), kind, position, (byte)value, length), response.MaxRead);
        Gen<(byte[] Bytes, int MaxRead)> random =
            from bytes in ArbMap.Default.ArbFor<byte[]>().Generator
            from maxRead in Gen.Elements(1, 16, 4096)
            select (bytes, maxRead);

        Prop.ForAll(Gen.Frequency((4, damaged), (1, random)).ToArbitrary(), input =>
        {
            try
            {
                Read(input.Bytes, input.MaxRead, 0);
            }
            catch (InfluxQueryException)
            {
                // A clear failure: the API answers 503 with it.
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1_000));
    }

    private static byte[] Damage(byte[] bytes, int kind, int position, byte value, int length)
    {
        if (bytes.Length == 0) return [value];
        int at = position % bytes.Length;
        List<byte> list = [.. bytes];
        switch (kind)
        {
            case 0: list[at] = value; break; // a byte changed
            case 1: list.RemoveRange(at, Math.Min(length, list.Count - at)); break; // bytes lost
            case 2: list.InsertRange(at, Enumerable.Repeat(value, length)); break; // bytes added
            default: list.RemoveRange(at, list.Count - at); break; // cut off
        }
        return [.. list];
    }
}
