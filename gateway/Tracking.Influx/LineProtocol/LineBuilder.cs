namespace Tracking.Influx.LineProtocol;

/// <summary>
/// Builds the line begun by <see cref="LineProtocolBuffer.BeginLine"/>: tags first, then at least one field,
/// then <c>End</c>. Field types are explicit in the method names because InfluxDB refuses a field whose type
/// differs from earlier points ("field type conflict"). Any exception discards the whole line.
/// </summary>
public readonly struct LineBuilder
{
    private readonly LineProtocolBuffer _buffer;
    private readonly int _generation;

    internal LineBuilder(LineProtocolBuffer buffer, int generation)
    {
        _buffer = buffer;
        _generation = generation;
    }

    /// <summary>Adds a tag. Empty values are rejected: omit the tag instead.</summary>
    public LineBuilder Tag(string key, ReadOnlySpan<char> value)
    {
        Buffer.AddTag(_generation, key, value);
        return this;
    }

    /// <summary>Adds a float field, written in shortest round-trip form; NaN and infinities are rejected.</summary>
    public LineBuilder FloatField(string key, double value)
    {
        Buffer.AddFloat(_generation, key, value);
        return this;
    }

    /// <summary>Adds a signed 64-bit integer field (<c>i</c> suffix).</summary>
    public LineBuilder IntegerField(string key, long value)
    {
        Buffer.AddInteger(_generation, key, value);
        return this;
    }

    public LineBuilder BooleanField(string key, bool value)
    {
        Buffer.AddBoolean(_generation, key, value);
        return this;
    }

    /// <summary>Adds a string field; double quotes and backslashes are escaped, control characters rejected.</summary>
    public LineBuilder StringField(string key, ReadOnlySpan<char> value)
    {
        Buffer.AddString(_generation, key, value);
        return this;
    }

    /// <summary>Completes the line with a timestamp in the buffer's <see cref="LineProtocolBuffer.Precision"/>.</summary>
    public void End(long timestamp) => Buffer.End(_generation, timestamp);

    /// <summary>Completes the line with <paramref name="time"/> converted to the buffer's precision.</summary>
    public void End(DateTimeOffset time) => Buffer.End(_generation, Buffer.Precision.ToUnixTime(time));

    /// <summary>Completes the line without a timestamp: the server's clock is used, so a replay is not idempotent.</summary>
    public void EndWithServerTime() => Buffer.End(_generation, null);

    private LineProtocolBuffer Buffer => _buffer ?? throw new InvalidOperationException("Use LineProtocolBuffer.BeginLine to create a LineBuilder.");
}
