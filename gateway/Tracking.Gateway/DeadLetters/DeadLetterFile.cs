using System.Text;
using System.Text.Json;
using Tracking.Influx.Writing;

namespace Tracking.Gateway.DeadLetters;

/// <summary>
/// Append-only JSON-lines file of refused input: <c>{"time","reason","detail","topic","payload"}</c> with the payload
/// in base64 (it may not be UTF-8), or <c>"line"</c> for lines InfluxDB refused. <see cref="Flush"/> fsyncs; the
/// ingest stage calls it in its group commit so a refused message is on disk before it is acknowledged.
/// Thread-safe.
/// </summary>
public sealed class DeadLetterFile : IDeadLetterSink, IDisposable
{
    public const string FileName = "dead-letters.jsonl";

    private readonly object _sync = new();
    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _json;
    private readonly TimeProvider _time;
    private long _count;
    private bool _dirty;

    public DeadLetterFile(string directory, TimeProvider? time = null)
    {
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, FileName);
        _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024);
        _json = new Utf8JsonWriter(_stream);
        _time = time ?? TimeProvider.System;
    }

    public string Path { get; }

    public long Count => Interlocked.Read(ref _count);

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

            FlushLocked();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Makes every added letter durable.</summary>
    public void Flush()
    {
        lock (_sync) FlushLocked();
    }

    public void Dispose()
    {
        lock (_sync)
        {
            FlushLocked();
            _json.Dispose();
            _stream.Dispose();
        }
    }

    private void Start(string reason, string detail)
    {
        _json.Reset(_stream);
        _json.WriteStartObject();
        _json.WriteString("time", _time.GetUtcNow());
        _json.WriteString("reason", reason);
        _json.WriteString("detail", detail);
    }

    private void End()
    {
        _json.WriteEndObject();
        _json.Flush();
        _stream.WriteByte((byte)'\n');
        _dirty = true;
        Interlocked.Increment(ref _count);
    }

    private void FlushLocked()
    {
        if (!_dirty) return;
        _stream.Flush(flushToDisk: true);
        _dirty = false;
    }
}
