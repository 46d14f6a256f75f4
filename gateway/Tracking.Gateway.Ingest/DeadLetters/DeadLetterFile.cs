using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Influx.Writing;

namespace Tracking.Gateway.Ingest.DeadLetters;

/// <summary>
/// Append-only JSON-lines files of refused input: <c>{"time","reason","detail","topic","payload_bytes","payload"}</c>
/// with the payload in base64 (it may not be UTF-8), or <c>"line"</c> for lines InfluxDB refused. <see cref="Flush"/>
/// fsyncs; the ingest stage calls it in its group commit so a refused message is on disk before it is acknowledged.
/// Letters wait in memory until <see cref="Flush"/> has written and fsynced them: when the disk fails (full), Flush
/// returns false, keeps them and writes them again (at the same offset) next time, so a full disk loses no letter and
/// leaves no torn line: what a failed write put in the file is cut off again, and a tail without its newline (a crash
/// in the middle of a write) is cut off when the file is opened.
/// <para>
/// Bounded (<see cref="DeadLetterOptions"/>), so that a client flooding junk cannot fill the disk or the memory: a
/// payload longer than MaxPayloadBytes is cut ("truncated": true, "payload_bytes" keeps its length); a flush that would
/// take the file past MaxFileBytes first rotates it (dead-letters.jsonl -> dead-letters.1.jsonl -> .2 ..., the oldest
/// of MaxFiles deleted); and letters that would make those waiting for the next fsync exceed MaxFileBytes are dropped
/// and counted (<see cref="Dropped"/>). So a letter added before <see cref="Flush"/> returns true is on disk, or was
/// counted as dropped when it was added; never lost silently. Rotation is renames between two fsyncs: a crash leaves
/// every durable letter in one of the files.
/// </para>
/// The files are created 0600. Thread-safe.
/// </summary>
public sealed class DeadLetterFile : IDeadLetterSink, IDisposable
{
    public const string FileName = "dead-letters.jsonl";

    // {"time":"...","reason":"","detail":"","topic":"","payload_bytes":0,"payload":""} is longer than this without values:
    // a lower bound of a letter's size, to drop letters of a flood beyond the budget without encoding them.
    private const int LetterOverhead = 64;

    private readonly object _sync = new();
    private readonly string _directory;
    private readonly long _maxFileBytes;
    private readonly int _maxFiles;
    private readonly int _maxPayloadBytes;
    private readonly ArrayBufferWriter<byte> _unwritten = new(4096);
    private readonly ArrayBufferWriter<byte> _letter = new(1024);
    private readonly Utf8JsonWriter _json;
    private readonly TimeProvider _time;
    private SafeFileHandle? _file;
    private long _fileLength; // bytes of the current file that are written and fsynced
    private long _count, _dropped, _rotations;
    private bool _dirty, _renamed;
    private string? _error;

    public DeadLetterFile(string directory, TimeProvider? time = null, DeadLetterOptions? settings = null)
    {
        settings ??= new DeadLetterOptions();
        settings.Validate();
        _maxFileBytes = settings.MaxFileBytes;
        _maxFiles = settings.MaxFiles;
        _maxPayloadBytes = settings.MaxPayloadBytes;
        _directory = directory;
        PrivateFiles.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, FileName);
        OpenCurrent();
        _json = new Utf8JsonWriter(_letter);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The current file; the rotated ones are <see cref="RotatedPath"/>(1 .. MaxFiles - 1), 1 the newest.</summary>
    public string Path { get; }

    /// <summary>Letters kept (written, or waiting for the next <see cref="Flush"/>).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Letters dropped by the bound (more waiting for one fsync than DeadLetters:MaxFileBytes).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Rotations done since the start.</summary>
    public long Rotations => Interlocked.Read(ref _rotations);

    /// <summary>Why the last <see cref="Flush"/> failed (letters are kept and retried), or null.</summary>
    public string? Error { get { lock (_sync) return _error; } }

    public string RotatedPath(int generation) => System.IO.Path.Combine(_directory, $"dead-letters.{generation}.jsonl");

    public void Add(string topic, ReadOnlySpan<byte> payload, string reason, string detail)
    {
        int kept = Math.Min(payload.Length, _maxPayloadBytes);
        lock (_sync)
        {
            // A flood beyond the budget is dropped before anything is encoded: the cheapest way to refuse.
            if (!Fits(LetterOverhead + Base64.GetMaxEncodedToUtf8Length(kept) + topic.Length + reason.Length + detail.Length))
            {
                Interlocked.Increment(ref _dropped);
                return;
            }

            Start(reason, detail);
            _json.WriteString("topic", topic);
            _json.WriteNumber("payload_bytes", payload.Length);
            if (kept < payload.Length) _json.WriteBoolean("truncated", true);
            _json.WriteBase64String("payload", payload[..kept]);
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

            // The caller must not settle these lines before they are durable: the letters stay queued here and the
            // writer stage confirms only after a Flush that succeeds (a caller that wrote again would record them twice:
            // more, never less).
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
            _file?.Dispose();
            _file = null;
        }
    }

    private bool Fits(long letterBytes) => _unwritten.WrittenCount + letterBytes + 1 <= _maxFileBytes;

    private void Start(string reason, string detail)
    {
        _letter.ResetWrittenCount();
        _json.Reset(_letter);
        _json.WriteStartObject();
        _json.WriteString("time", _time.GetUtcNow());
        _json.WriteString("reason", reason);
        _json.WriteString("detail", detail);
    }

    private void End()
    {
        _json.WriteEndObject();
        _json.Flush();
        if (!Fits(_letter.WrittenCount))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        _unwritten.Write(_letter.WrittenSpan);
        _unwritten.Write("\n"u8);
        _dirty = true;
        Interlocked.Increment(ref _count);
    }

    private bool FlushLocked()
    {
        if (!_dirty) return true;
        try
        {
            if (_file is null) OpenCurrent(); // a rotation failed after closing the file
            if (_fileLength > 0 && _fileLength + _unwritten.WrittenCount > _maxFileBytes) Rotate();
            // At the offset after the durable letters: after a failed write or fsync the same bytes go to the same place.
            RandomAccess.Write(_file!, _unwritten.WrittenSpan, _fileLength);
            RandomAccess.FlushToDisk(_file!);
            // The renames and the new file's name must be durable before letters in it are acknowledged.
            if (_renamed) DirectorySync.Flush(_directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _error = ex.Message;
            // A write the full disk cut short left part of a line; if the process stopped now the next letter would be
            // glued to it. Shrinking needs no space.
            try { if (_file is not null) RandomAccess.SetLength(_file, _fileLength); } catch (IOException) { }
            return false;
        }

        _fileLength += _unwritten.WrittenCount;
        _unwritten.ResetWrittenCount();
        _dirty = _renamed = false;
        _error = null;
        return true;
    }

    /// <summary>
    /// Current -> .1 -> .2 ... (the oldest of MaxFiles replaced), then a new current file. Only fsynced letters are in
    /// the files being renamed; each rename is atomic, and missing names are skipped, so a rotation that failed half-way
    /// is finished by the next attempt without deleting another file.
    /// </summary>
    private void Rotate()
    {
        _renamed = true;
        if (_file is not null)
        {
            // A failed write may have left bytes past the durable letters; they go to the new file instead.
            if (RandomAccess.GetLength(_file) != _fileLength) RandomAccess.SetLength(_file, _fileLength);
            _file.Dispose();
            _file = null;
        }

        if (_maxFiles == 1)
        {
            File.Delete(Path);
        }
        else
        {
            for (int generation = _maxFiles - 1; generation >= 1; generation--)
            {
                string from = generation == 1 ? Path : RotatedPath(generation - 1);
                if (File.Exists(from)) File.Move(from, RotatedPath(generation), overwrite: true);
            }
        }

        OpenCurrent();
        Interlocked.Increment(ref _rotations);
    }

    private void OpenCurrent()
    {
        SafeFileHandle file = PrivateFiles.OpenHandle(Path, FileMode.OpenOrCreate);
        // A crash in the middle of a write leaves a tail without its newline: that letter was never fsynced, so its
        // message was not acknowledged and comes again. Cut it off, so the next letter starts on a line of its own.
        long length = WholeLinesLength(file);
        if (length < RandomAccess.GetLength(file)) RandomAccess.SetLength(file, length);
        _file = file;
        _fileLength = length;
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
