using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tracking.Gateway.Alerts.Queueing;

/// <summary>
/// An outbox's file: every item is appended (and flushed to disk) when it is queued, and a marker is appended when the
/// worker is done with it, so a crash (SIGKILL, power loss) loses nothing the engine handed over: the next start queues
/// every item after the last marker again. Delivery is therefore at least once: the item in progress at the crash, and
/// any delivered after the last marker that reached the disk, go out again (receivers dedupe by the alert id).
/// <para>
/// JSON lines: <c>{"n":7,"item":...}</c> for an item, <c>{"done":7}</c> when it and everything before it is done (one
/// worker delivers in order, so done is a prefix). A line of neither shape is an item of the older spill format (written
/// only at a graceful stop) and counts as undelivered. When the queue runs empty the file is cut to nothing, and at each
/// start it is rewritten with just the undelivered items, so it holds no more than the queue did.
/// </para>
/// Not thread-safe: the outbox serialises calls.
/// </summary>
internal sealed class OutboxJournal<T> : IDisposable
{
    private readonly string _path;
    private readonly JsonSerializerOptions _json;
    private FileStream? _file;
    private long _next = 1;
    private long _lastAppended;

    public OutboxJournal(string path, JsonSerializerOptions json)
    {
        _path = path;
        _json = json;
    }

    public string Path => _path;

    /// <summary>
    /// Reads what the last run left undelivered, rewrites the file with just that (atomically: a crash during the rewrite
    /// leaves the old file) and opens it for appending. Returns the undelivered items with their new numbers and how many
    /// lines were unreadable (a line torn by a crash in the middle of its write is the usual one: it was never queued).
    /// </summary>
    public (List<(long Seq, T Item)> Pending, int Unreadable) Open()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path))!);
        var items = new List<(long Seq, T Item)>();
        int unreadable = 0;
        long done = 0;
        if (File.Exists(_path))
        {
            foreach (string line in File.ReadLines(_path))
            {
                if (line.Length == 0) continue;
                try
                {
                    switch (JsonNode.Parse(line))
                    {
                        case JsonObject o when o.TryGetPropertyValue("done", out JsonNode? d) && o.Count == 1:
                            done = Math.Max(done, d!.GetValue<long>());
                            break;
                        case JsonObject o when o.Count == 2 && o.TryGetPropertyValue("n", out JsonNode? n) && o.TryGetPropertyValue("item", out JsonNode? item):
                            if (item.Deserialize<T>(_json) is { } journaled) items.Add((n!.GetValue<long>(), journaled));
                            break;
                        case JsonNode legacy:
                            // The older spill file: everything in it is undelivered; numbered after every journal item.
                            if (legacy.Deserialize<T>(_json) is { } spilled) items.Add((long.MaxValue, spilled));
                            break;
                    }
                }
                catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
                {
                    unreadable++;
                }
            }
        }
        var pending = new List<(long Seq, T Item)>();
        var text = new StringBuilder();
        foreach ((long seq, T item) in items)
        {
            if (seq <= done) continue;
            long n = _next++;
            pending.Add((n, item));
            AppendLine(text, n, item);
        }
        _lastAppended = _next - 1;
        string temporary = _path + ".tmp";
        using (var rewrite = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            rewrite.Write(Encoding.UTF8.GetBytes(text.ToString()));
            rewrite.Flush(flushToDisk: true);
        }
        File.Move(temporary, _path, overwrite: true);
        // Not FileMode.Append: an append-mode stream cannot be cut below where it was opened. Unbuffered (each line is one
        // write anyway): a write that failed leaves nothing in a buffer for the next write to carry into the file.
        _file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _file.Seek(0, SeekOrigin.End);
        return (pending, unreadable);
    }

    /// <summary>
    /// Appends an item and flushes it to the disk before the engine goes on. Returns its number. When the write or the
    /// flush fails (disk full, I/O error) the file is cut back to where it was, best effort, and the error is thrown: the
    /// item is not in the journal, and a torn line would otherwise run into the next one and make that one unreadable.
    /// </summary>
    public long Append(T item)
    {
        FileStream file = _file ?? throw new InvalidOperationException("the journal is not open");
        long n = _next;
        var text = new StringBuilder();
        AppendLine(text, n, item);
        long start = file.Position;
        try
        {
            file.Write(Encoding.UTF8.GetBytes(text.ToString()));
            file.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            CutBack(file, start);
            throw;
        }
        _next = n + 1;
        _lastAppended = n;
        return n;
    }

    private static void CutBack(FileStream file, long length)
    {
        try
        {
            file.SetLength(length);
            file.Position = length;
        }
        catch (IOException)
        {
            // A failed write did not move the position (an unbuffered stream moves after a whole write), so the next
            // append overwrites a torn tail; a line whose flush failed may stay and go out once more after a restart.
        }
    }

    /// <summary>
    /// Marks everything up to <paramref name="seq"/> done. Flushed to the operating system only (it survives a process
    /// crash; after a power loss an item may go out twice). When it is the last item appended, the file is cut instead.
    /// </summary>
    public void Done(long seq)
    {
        FileStream file = _file ?? throw new InvalidOperationException("the journal is not open");
        if (seq >= _lastAppended)
        {
            file.SetLength(0);
            file.Position = 0;
            return;
        }
        file.Write(Encoding.UTF8.GetBytes("{\"done\":" + seq.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}\n"));
        file.Flush(flushToDisk: false);
    }

    private void AppendLine(StringBuilder text, long n, T item) =>
        text.Append("{\"n\":").Append(n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(",\"item\":")
            .Append(JsonSerializer.Serialize(item, _json)).Append("}\n");

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }
}
