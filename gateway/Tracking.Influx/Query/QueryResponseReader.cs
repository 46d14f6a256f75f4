using System.Text.Json;

namespace Tracking.Influx.Query;

/// <summary>
/// Reads a 1.x <c>/query</c> response: one JSON document, or with <c>chunked=true</c> a stream of documents,
/// each <c>{"results":[{"statement_id":N,"series":[...],"partial":true}]}</c>. A series cut across chunks
/// (marked <c>"partial":true</c>) is continued by the next piece with the same name and tags; pieces are merged.
/// </summary>
internal static class QueryResponseReader
{
    public static async Task<InfluxQueryResult> ReadAsync(Stream utf8Json, CancellationToken cancellationToken)
    {
        var statements = new SortedDictionary<int, List<InfluxSeries>>();
        await foreach (JsonElement chunk in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(
            utf8Json, topLevelValues: true, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            AddChunk(chunk, statements);
        }

        return new InfluxQueryResult(statements.Select(s => new InfluxStatementResult(s.Key, s.Value)).ToList());
    }

    private static void AddChunk(JsonElement chunk, SortedDictionary<int, List<InfluxSeries>> statements)
    {
        if (chunk.ValueKind != JsonValueKind.Object)
        {
            throw new InfluxQueryException($"Unexpected query response element: {chunk.ValueKind}.");
        }

        if (chunk.TryGetProperty("error", out JsonElement error))
        {
            throw new InfluxQueryException(error.ToString());
        }

        if (!chunk.TryGetProperty("results", out JsonElement results) || results.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (JsonElement result in results.EnumerateArray())
        {
            int id = result.TryGetProperty("statement_id", out JsonElement sid) && sid.TryGetInt32(out int n) ? n : 0;
            if (result.TryGetProperty("error", out JsonElement statementError))
            {
                throw new InfluxQueryException($"Statement {id} failed: {statementError}", statementId: id);
            }

            if (!statements.TryGetValue(id, out List<InfluxSeries>? series))
            {
                statements[id] = series = [];
            }

            if (!result.TryGetProperty("series", out JsonElement seriesArray) || seriesArray.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (JsonElement s in seriesArray.EnumerateArray())
            {
                string name = s.TryGetProperty("name", out JsonElement nameElement) ? nameElement.GetString() ?? "" : "";
                var tags = new Dictionary<string, string>(StringComparer.Ordinal);
                if (s.TryGetProperty("tags", out JsonElement tagsElement) && tagsElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (JsonProperty tag in tagsElement.EnumerateObject())
                    {
                        tags[tag.Name] = tag.Value.ValueKind == JsonValueKind.String ? tag.Value.GetString()! : tag.Value.ToString();
                    }
                }

                List<object?[]> rows = ReadRows(s);
                if (series.Count > 0 && series[^1].SameSeries(name, tags))
                {
                    series[^1].Append(rows);
                    continue;
                }

                List<string> columns = s.TryGetProperty("columns", out JsonElement cols) && cols.ValueKind == JsonValueKind.Array
                    ? cols.EnumerateArray().Select(c => c.GetString() ?? "").ToList()
                    : [];
                series.Add(new InfluxSeries(name, tags, columns, rows));
            }
        }
    }

    private static List<object?[]> ReadRows(JsonElement series)
    {
        var rows = new List<object?[]>();
        if (!series.TryGetProperty("values", out JsonElement values) || values.ValueKind != JsonValueKind.Array)
        {
            return rows;
        }

        foreach (JsonElement row in values.EnumerateArray())
        {
            var cells = new object?[row.GetArrayLength()];
            int i = 0;
            foreach (JsonElement cell in row.EnumerateArray())
            {
                cells[i++] = cell.ValueKind switch
                {
                    JsonValueKind.Number when cell.TryGetInt64(out long l) => l,
                    JsonValueKind.Number => cell.GetDouble(),
                    JsonValueKind.String => cell.GetString(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Null => null,
                    _ => cell.GetRawText(),
                };
            }

            rows.Add(cells);
        }

        return rows;
    }
}
