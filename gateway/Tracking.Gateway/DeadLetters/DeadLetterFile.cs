using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Tracking.Gateway.Spooling;
using Tracking.Influx.Writing;

namespace Tracking.Gateway.DeadLetters;

/// <summary>
/// Append-only JSON-lines file of refused input: <c>{"time","reason","detail","topic","payload"}</c> with the payload
/// in base64 (it may not be UTF-8), or <c>"line"</c> for lines InfluxDB refused. <see cref="Flush"/> fsyncs; the
/// ingest stage calls it in its group commit so a refused message is on disk before it is acknowledged.
/// Letters wait in memory until <see cref="Flush"/> has written and fsynced them: when the disk fails (full), Flush
/// returns false, keeps them and writes them again next time, so a full disk loses no letter and leaves no torn line:
/// what a failed write put in the file is cut off again, and a tail without its newline (a crash in the middle of a
/// write) is cut off when the file is opened. The file is created 0600. Thread-safe.
/// </summary>
public sealed class DeadLetterFile : IDeadLetterSink, IDisposable
{
    public const string FileName = "dead-letters.jsonl";

    private readonly object _sync = new();
    private readonly SafeFileHandle _file;
    private readonly ArrayBufferWriter<byte> _unwritten = new(4096);
    private readonly Utf8JsonWriter _json;
    private readonly TimeProvider _time;
    private long _count;
    private long _durable;   // end of the letters written and fsynced: where the next write goes
    private string? _error;

    public DeadLetterFile(string directory, TimeProvider? time = null)
    {
        PrivateFiles.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, FileName);
        // Written at an explicit offset: a failed write or fsync is written again at the same place, so each letter lands once.
        _file = PrivateFiles.OpenHandle(Path, FileMode.OpenOrCreate);
        _durable = WholeLinesLength(_file);
        if (_durable < RandomAccess.GetLength(_file)) RandomAccess.SetLength(_file, _durable);
        _json = new Utf8JsonWriter(_unwritten);
        _time = time ?? TimeProvider.System;
    }

    public string Path { get; }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Why the last <see cref="Flush"/> failed (letters are kept and retried), or null.</summary>
    public string? Error { get { lock (_sync) return _error; } }

    public void Add(string topic, ReadOnlySpan<byte> payload, string reason, string detail)
    {
        lock (_sync)
        {
            Start(reason, detail);
            _json.WriteString("topic", topic);
            _json.WriteBase64String("payload", payload);
            End();
        }
    }

    /// <summary>Lines InfluxDB refused (HTTP 400 for that very line); written and fsynced before the write completes.</summary>
    public ValueTask WriteAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            foreach (DeadLetter letter in letters)
            {
                Start("influx_rejected", letter.Error);
                _json.WriteString("line", letter.Line);
                _json.WriteNumber("status", letter.StatusCode);
                End();
            }

            // The caller must not settle these lines before they are durable; it retries the write (the letters stay
            // queued here too, so a retry may record them twice: more, never less).
            if (!FlushLocked()) throw new IOException("dead-letter file: " + _error);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Makes every added letter durable; false when the disk refused (they are kept for the next call).</summary>
    public bool Flush()
    {
        lock (_sync) return FlushLocked();
    }

    public void Dispose()
    {
        lock (_sync)
        {
            FlushLocked();
            _json.Dispose();
            _file.Dispose();
        }
    }

    private void Start(string reason, string detail)
    {
        _json.Reset(_unwritten);
        _json.WriteStartObject();
        _json.WriteString("time", _time.GetUtcNow());
        _json.WriteString("reason", reason);
        _json.WriteString("detail", detail);
    }

    private void End()
    {
        _json.WriteEndObject();
        _json.Flush();
        _unwritten.Write("\n"u8);
        Interlocked.Increment(ref _count);
    }

    private bool FlushLocked()
    {
        if (_unwritten.WrittenCount == 0) return true;
        try
        {
            // Kept in memory until the fsync worked: after a failed fsync the page cache may have dropped them.
            RandomAccess.Write(_file, _unwritten.WrittenSpan, _durable);
            RandomAccess.FlushToDisk(_file);
        }
        catch (IOException ex)
        {
            _error = ex.Message;
            // A write the full disk cut short left part of a line; if the process stopped now the next letter would be
            // glued to it. Shrinking needs no space.
            try { RandomAccess.SetLength(_file, _durable); } catch (IOException) { }
            return false;
        }

        _durable += _unwritten.WrittenCount;
        _unwritten.ResetWrittenCount();
        _error = null;
        return true;
    }

    /// <summary>Length of the file up to and including its last newline: a tail after it is a torn line.</summary>
    private static long WholeLinesLength(SafeFileHandle file)
    {
        long end = RandomAccess.GetLength(file);
        Span<byte> block = stackalloc byte[4096];
        while (end > 0)
        {
            int size = (int)Math.Min(block.Length, end);
            int read = RandomAccess.Read(file, block[..size], end - size);
            int newline = block[..read].LastIndexOf((byte)'\n');
            if (newline >= 0) return end - size + newline + 1;
            end -= size;
        }

        return 0;
    }
}
