using System.Text.Json;

namespace Tracking.Gateway.Decoding;

/// <summary>
/// Decodes and validates tag payloads (docs/protocol.md) with <see cref="Utf8JsonReader"/> into a reused
/// <see cref="DecodedMessage"/>. Unknown fields are skipped; a missing required field, a wrong type or a value
/// outside the sensor's physical range refuses the whole message with a <see cref="Rejection"/>. Not thread-safe.
/// </summary>
public sealed class MessageDecoder
{
    public const int MaxPayloadBytes = 16 * 1024;
    public const int ProtocolVersion = 1;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8, CommentHandling = JsonCommentHandling.Disallow };

    public DecodedMessage Message { get; } = new();

    /// <param name="arrivalMs">Unix ms the gateway received the message: the time base of a0 ages and of status.</param>
    public bool TryDecode(in TrackingTopic topic, ReadOnlySpan<byte> payload, long arrivalMs, out Rejection rejection)
    {
        rejection = default;
        if (payload.Length > MaxPayloadBytes)
        {
            rejection = new Rejection(RejectReason.PayloadTooLarge, $"{payload.Length} bytes, at most {MaxPayloadBytes}");
            return false;
        }

        Message.Reset(topic.Kind);
        try
        {
            var reader = new Utf8JsonReader(payload, ReaderOptions);
            switch (topic.Kind)
            {
                case MessageKind.Telemetry: ReadTelemetry(ref reader, arrivalMs); break;
                case MessageKind.Event: ReadEvent(ref reader, arrivalMs); break;
                case MessageKind.Status: ReadStatus(ref reader); break;
                default: throw new InvalidOperationException($"{topic.Kind} messages are not decoded");
            }

            if (reader.Read())
            {
                throw Reject(RejectReason.BadJson, "data after the JSON object");
            }

            return true;
        }
        catch (RejectedException ex)
        {
            rejection = ex.Rejection;
            return false;
        }
        catch (JsonException ex)
        {
            rejection = new Rejection(RejectReason.BadJson, ex.Message);
            return false;
        }
    }

    private void ReadTelemetry(ref Utf8JsonReader reader, long arrivalMs)
    {
        DecodedMessage m = Message;
        Fields seen = 0;
        long t0 = 0, a0 = 0;
        StartObject(ref reader);
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("v"u8)) { ReadVersion(ref reader); seen |= Fields.V; }
            else if (reader.ValueTextEquals("boot"u8)) { m.Boot = ReadInteger(ref reader, "boot", 0, SensorLimits.MaxCounter); seen |= Fields.Boot; }
            else if (reader.ValueTextEquals("seq"u8)) { m.Seq = ReadInteger(ref reader, "seq", 0, SensorLimits.MaxCounter); seen |= Fields.Seq; }
            else if (reader.ValueTextEquals("t0"u8)) { t0 = ReadInteger(ref reader, "t0", SensorLimits.MinTimestampMs, arrivalMs + SensorLimits.MaxClockAheadMs); seen |= Fields.T0; }
            else if (reader.ValueTextEquals("a0"u8)) { a0 = ReadInteger(ref reader, "a0", 0, SensorLimits.MaxAgeMs); seen |= Fields.A0; }
            else if (reader.ValueTextEquals("bat"u8)) { m.BatteryV = ReadNumber(ref reader, "bat", SensorLimits.MinBatteryV, SensorLimits.MaxBatteryV, nullable: false); }
            else if (reader.ValueTextEquals("r"u8)) { ReadReadings(ref reader); seen |= Fields.R; }
            else SkipValue(ref reader);
        }

        Require(seen, Fields.V | Fields.Boot | Fields.Seq | Fields.R);
        ResolveTime(seen, t0, a0, arrivalMs);
        if (m.Seq + m.ReadingCount - 1 > SensorLimits.MaxCounter)
        {
            throw Reject(RejectReason.OutOfRange, "seq of the last reading exceeds the 32-bit counter");
        }

        foreach (ref readonly Reading r in m.Readings)
        {
            if (m.TimeMs + r.OffsetMs > arrivalMs + SensorLimits.MaxClockAheadMs)
            {
                throw Reject(RejectReason.OutOfRange, "a reading lies more than a day in the future");
            }
        }
    }

    private void ReadReadings(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.StartArray) throw WrongType("r", "an array of readings");
        DecodedMessage m = Message;
        int count = 0;
        while (true)
        {
            Read(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) break;
            if (reader.TokenType != JsonTokenType.StartArray) throw WrongType("r[]", "a reading array [offset, temp, rh, pressure, peak_g]");
            if (count == DecodedMessage.MaxReadings)
            {
                throw Reject(RejectReason.TooManyReadings, $"more than {DecodedMessage.MaxReadings} readings");
            }

            ref Reading r = ref m.ReadingBuffer[count];
            r.OffsetMs = ReadInteger(ref reader, "r[][0] offset", 0, SensorLimits.MaxAgeMs);
            r.TemperatureC = ReadNumber(ref reader, "r[][1] temp", SensorLimits.MinTemperatureC, SensorLimits.MaxTemperatureC, nullable: true);
            r.HumidityPct = ReadNumber(ref reader, "r[][2] rh", SensorLimits.MinHumidityPct, SensorLimits.MaxHumidityPct, nullable: true);
            r.PressureHpa = ReadNumber(ref reader, "r[][3] pressure", SensorLimits.MinPressureHpa, SensorLimits.MaxPressureHpa, nullable: true);
            r.PeakG = ReadNumber(ref reader, "r[][4] peak_g", SensorLimits.MinPeakG, SensorLimits.MaxPeakG, nullable: true);
            Read(ref reader);
            if (reader.TokenType != JsonTokenType.EndArray) throw WrongType("r[]", "exactly 5 elements");
            count++;
        }

        if (count == 0) throw Reject(RejectReason.MissingField, "r holds no readings");
        m.ReadingCount = count;
    }

    private void ReadEvent(ref Utf8JsonReader reader, long arrivalMs)
    {
        DecodedMessage m = Message;
        Fields seen = 0;
        long ts = 0, a0 = 0;
        double g = double.NaN, temp = double.NaN, bat = double.NaN;
        StartObject(ref reader);
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("v"u8)) { ReadVersion(ref reader); seen |= Fields.V; }
            else if (reader.ValueTextEquals("boot"u8)) { m.Boot = ReadInteger(ref reader, "boot", 0, SensorLimits.MaxCounter); seen |= Fields.Boot; }
            else if (reader.ValueTextEquals("seq"u8)) { m.Seq = ReadInteger(ref reader, "seq", 0, SensorLimits.MaxCounter); seen |= Fields.Seq; }
            else if (reader.ValueTextEquals("ts"u8)) { ts = ReadInteger(ref reader, "ts", SensorLimits.MinTimestampMs, arrivalMs + SensorLimits.MaxClockAheadMs); seen |= Fields.T0; }
            else if (reader.ValueTextEquals("a0"u8)) { a0 = ReadInteger(ref reader, "a0", 0, SensorLimits.MaxAgeMs); seen |= Fields.A0; }
            else if (reader.ValueTextEquals("kind"u8)) { m.EventKind = ReadEventKind(ref reader); seen |= Fields.Kind; }
            else if (reader.ValueTextEquals("g"u8)) g = ReadNumber(ref reader, "g", SensorLimits.MinPeakG, SensorLimits.MaxPeakG, nullable: false);
            else if (reader.ValueTextEquals("temp"u8)) temp = ReadNumber(ref reader, "temp", SensorLimits.MinTemperatureC, SensorLimits.MaxTemperatureC, nullable: false);
            else if (reader.ValueTextEquals("bat"u8)) bat = ReadNumber(ref reader, "bat", SensorLimits.MinBatteryV, SensorLimits.MaxBatteryV, nullable: false);
            else SkipValue(ref reader);
        }

        Require(seen, Fields.V | Fields.Boot | Fields.Seq | Fields.Kind);
        ResolveTime(seen, ts, a0, arrivalMs, timeName: "ts");
        m.EventValue = m.EventKind switch
        {
            TagEventKind.Shock => double.IsNaN(g) ? throw Reject(RejectReason.MissingField, "g (required for shock)") : g,
            TagEventKind.TempHigh or TagEventKind.TempLow => temp,
            _ => bat,
        };
    }

    private void ReadStatus(ref Utf8JsonReader reader)
    {
        DecodedMessage m = Message;
        Fields seen = 0;
        StartObject(ref reader);
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("v"u8)) { ReadVersion(ref reader); seen |= Fields.V; }
            else if (reader.ValueTextEquals("online"u8))
            {
                Read(ref reader);
                m.Online = reader.TokenType switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False => false,
                    _ => throw WrongType("online", "true or false"),
                };
                seen |= Fields.Online;
            }
            else if (reader.ValueTextEquals("fw"u8)) m.Firmware = ReadFirmware(ref reader);
            else if (reader.ValueTextEquals("boot"u8)) m.Boot = ReadInteger(ref reader, "boot", 0, SensorLimits.MaxCounter);
            else if (reader.ValueTextEquals("bat"u8)) m.BatteryV = ReadNumber(ref reader, "bat", SensorLimits.MinBatteryV, SensorLimits.MaxBatteryV, nullable: false);
            else if (reader.ValueTextEquals("rssi"u8)) m.Rssi = ReadInteger(ref reader, "rssi", SensorLimits.MinRssi, SensorLimits.MaxRssi);
            else if (reader.ValueTextEquals("spool"u8)) m.SpoolDepth = ReadInteger(ref reader, "spool", 0, SensorLimits.MaxCounter);
            else if (reader.ValueTextEquals("thinned"u8)) m.Thinned = ReadInteger(ref reader, "thinned", 0, SensorLimits.MaxCounter);
            else if (reader.ValueTextEquals("life_d"u8)) m.LifeDays = ReadInteger(ref reader, "life_d", 0, 100_000);
            else SkipValue(ref reader);
        }

        Require(seen, Fields.V | Fields.Online);
    }

    private void ResolveTime(Fields seen, long absolute, long age, long arrivalMs, string timeName = "t0")
    {
        bool hasAbsolute = (seen & Fields.T0) != 0, hasAge = (seen & Fields.A0) != 0;
        if (hasAbsolute == hasAge)
        {
            throw Reject(hasAbsolute ? RejectReason.BadJson : RejectReason.MissingField,
                hasAbsolute ? $"both {timeName} and a0 given" : $"{timeName} or a0");
        }

        Message.ClockSynced = hasAbsolute;
        Message.TimeMs = hasAbsolute ? absolute : arrivalMs - age;
    }

    private static TagEventKind ReadEventKind(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.String) throw WrongType("kind", "a string");
        if (reader.ValueTextEquals("shock"u8)) return TagEventKind.Shock;
        if (reader.ValueTextEquals("temp_high"u8)) return TagEventKind.TempHigh;
        if (reader.ValueTextEquals("temp_low"u8)) return TagEventKind.TempLow;
        if (reader.ValueTextEquals("battery_low"u8)) return TagEventKind.BatteryLow;
        throw Reject(RejectReason.UnknownEventKind, "kind must be shock, temp_high, temp_low or battery_low");
    }

    private static string ReadFirmware(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.String) throw WrongType("fw", "a string");
        string fw = reader.GetString()!;
        if (fw.Length is 0 or > 32 || !fw.All(c => c is >= '!' and <= '~'))
        {
            throw Reject(RejectReason.OutOfRange, "fw must be 1..32 printable ASCII characters");
        }

        return fw;
    }

    private static void ReadVersion(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long v)) throw WrongType("v", "an integer");
        if (v != ProtocolVersion) throw Reject(RejectReason.UnsupportedVersion, $"v={v}, this gateway speaks v={ProtocolVersion}");
    }

    private static long ReadInteger(ref Utf8JsonReader reader, string name, long min, long max)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.Number) throw WrongType(name, "an integer");
        if (!reader.TryGetInt64(out long value))
        {
            // A fraction or an exponent form is a wrong type; a huge integer is out of range.
            bool isInteger = reader.ValueSpan.IndexOfAny(".eE"u8) < 0;
            throw isInteger ? Reject(RejectReason.OutOfRange, $"{name} out of range {min}..{max}") : WrongType(name, "an integer");
        }

        if (value < min || value > max) throw Reject(RejectReason.OutOfRange, $"{name}={value} out of range {min}..{max}");
        return value;
    }

    private static double ReadNumber(ref Utf8JsonReader reader, string name, double min, double max, bool nullable)
    {
        Read(ref reader);
        if (reader.TokenType == JsonTokenType.Null && nullable) return double.NaN;
        if (reader.TokenType != JsonTokenType.Number) throw WrongType(name, nullable ? "a number or null" : "a number");
        if (!reader.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw Reject(RejectReason.OutOfRange, $"{name} is not a finite number");
        }

        if (value < min || value > max) throw Reject(RejectReason.OutOfRange, $"{name}={value} out of range {min}..{max}");
        return value;
    }

    private static void StartObject(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject) throw WrongType("payload", "a JSON object");
    }

    /// <summary>Moves to the next property name; false at the end of the object.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        reader.Skip();
    }

    private static void Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw Reject(RejectReason.BadJson, "unexpected end of payload");
    }

    private static void Require(Fields seen, Fields required)
    {
        Fields missing = required & ~seen;
        if (missing != 0) throw Reject(RejectReason.MissingField, missing.ToString().ToLowerInvariant());
    }

    private static RejectedException WrongType(string name, string expected) =>
        Reject(RejectReason.WrongType, $"{name} must be {expected}");

    private static RejectedException Reject(RejectReason reason, string detail) => new(new Rejection(reason, detail));

    [Flags]
    private enum Fields
    {
        V = 1,
        Boot = 2,
        Seq = 4,
        T0 = 8,
        A0 = 16,
        R = 32,
        Kind = 64,
        Online = 128,
    }

    private sealed class RejectedException(Rejection rejection) : Exception(rejection.ToString())
    {
        public Rejection Rejection { get; } = rejection;
    }
}
