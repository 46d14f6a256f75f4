using System.Buffers.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Tracking.Gateway.Decoding;

/// <summary>
/// Decodes and validates tag payloads (docs/protocol.md sections 3 to 5) with <see cref="Utf8JsonReader"/> into a
/// reused <see cref="DecodedMessage"/>. Unknown fields are skipped; a missing required field, a duplicate field, a
/// wrong type or a value outside the ranges of section 5 refuses the whole message with a <see cref="Rejection"/>.
/// Not thread-safe.
/// </summary>
public sealed class MessageDecoder : IPayloadDecoder
{
    public const int MaxPayloadBytes = SensorLimits.MaxPayloadBytes;
    public const int ProtocolVersion = 1;

    // Unknown fields may nest to any depth and are ignored (section 3). The reader does not recurse, and a payload of
    // MaxPayloadBytes cannot nest deeper than MaxPayloadBytes, so depth is never a reason to refuse.
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxPayloadBytes, CommentHandling = JsonCommentHandling.Disallow };

    // Names of unknown top-level fields, only to refuse duplicates among them (section 3); empty for today's tags.
    private readonly HashSet<string> _unknownNames = new(StringComparer.Ordinal);

    public DecodedMessage Message { get; } = new();

    /// <param name="arrivalMs">Unix ms the gateway received the message: the time base of a0 ages (section 7.1).</param>
    public bool TryDecode(in TrackingTopic topic, ReadOnlySpan<byte> payload, long arrivalMs, out Rejection rejection)
    {
        rejection = default;
        if (payload.Length > MaxPayloadBytes)
        {
            rejection = new Rejection(RejectReason.PayloadTooLarge, $"{payload.Length} bytes, at most {MaxPayloadBytes}");
            return false;
        }

        Message.Reset(topic.Kind);
        _unknownNames.Clear();
        if (topic.Kind is not (MessageKind.Telemetry or MessageKind.Event or MessageKind.Status))
        {
            rejection = new Rejection(RejectReason.BadTopic, $"{topic.Kind} messages are not decoded by the gateway");
            return false;
        }

        if (payload.IsEmpty && topic.Kind == MessageKind.Status)
        {
            // Section 9: an empty retained status removes the tag. Not an error, and nothing to store.
            Message.TagRemoved = true;
            return true;
        }

        // Section 1: payloads are UTF-8. Checked once, vectorised, so that no string read below can be malformed.
        if (!Utf8.IsValid(payload))
        {
            rejection = new Rejection(RejectReason.InvalidUtf8, "payload is not valid UTF-8");
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(payload, ReaderOptions);
            switch (topic.Kind)
            {
                case MessageKind.Telemetry: ReadTelemetry(ref reader, arrivalMs); break;
                case MessageKind.Event: ReadEvent(ref reader, arrivalMs); break;
                default: ReadStatus(ref reader); break;
            }

            if (reader.Read())
            {
                throw Reject(RejectReason.BadJson, "data after the JSON object");
            }

            // Acknowledged must mean storable (section 5): refuse here what the writer would refuse on replay.
            return InfluxLines.IsStorable(topic, Message, arrivalMs, out rejection);
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

    /// <summary>Section 4.1.</summary>
    private void ReadTelemetry(ref Utf8JsonReader reader, long arrivalMs)
    {
        DecodedMessage m = Message;
        Fields seen = 0;
        long t0 = 0, a0 = 0;
        StartObject(ref reader);
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("v"u8)) { Mark(ref seen, Fields.V, "v"); ReadVersion(ref reader); }
            else if (reader.ValueTextEquals("boot"u8)) { Mark(ref seen, Fields.Boot, "boot"); m.Boot = ReadInteger(ref reader, "boot", 0, SensorLimits.MaxCounter); }
            else if (reader.ValueTextEquals("seq"u8)) { Mark(ref seen, Fields.Seq, "seq"); m.Seq = ReadInteger(ref reader, "seq", 0, SensorLimits.MaxCounter); }
            else if (reader.ValueTextEquals("t0"u8)) { Mark(ref seen, Fields.Time, "t0"); t0 = ReadInteger(ref reader, "t0", 0, SensorLimits.MaxTimestampMs); }
            else if (reader.ValueTextEquals("a0"u8)) { Mark(ref seen, Fields.A0, "a0"); a0 = ReadInteger(ref reader, "a0", 0, SensorLimits.MaxAgeMs); }
            else if (reader.ValueTextEquals("t_est"u8)) { Mark(ref seen, Fields.TEst, "t_est"); m.TimeEstimated = ReadBoolean(ref reader, "t_est"); }
            else if (reader.ValueTextEquals("bat"u8)) { Mark(ref seen, Fields.Bat, "bat"); m.BatteryV = ReadNumber(ref reader, "bat", SensorLimits.MinBatteryV, SensorLimits.MaxBatteryV, nullable: true); }
            else if (reader.ValueTextEquals("r"u8)) { Mark(ref seen, Fields.R, "r"); ReadReadings(ref reader); }
            else SkipUnknown(ref reader);
        }

        Require(seen, Fields.V | Fields.Boot | Fields.Seq | Fields.Bat | Fields.R);
        ResolveTime(seen, t0, a0, arrivalMs, timeName: "t0");
        // Reading i has seq + i (4.1), and a seq is an unsigned 32-bit number (section 5).
        if (m.Seq + m.ReadingCount - 1 > SensorLimits.MaxCounter)
        {
            throw Reject(RejectReason.OutOfRange, "seq of the last reading exceeds the 32-bit counter");
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
            r.OffsetMs = ReadInteger(ref reader, "r[][0] offset", 0, SensorLimits.MaxOffsetMs);
            // 4.1: 0 for the first reading, then strictly increasing (batch cutting rule 4, which receivers verify).
            if (count == 0 ? r.OffsetMs != 0 : r.OffsetMs <= m.ReadingBuffer[count - 1].OffsetMs)
            {
                throw Reject(RejectReason.OutOfRange, count == 0 ? "the first reading's offset must be 0" : "offsets must be strictly increasing");
            }

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

    /// <summary>Section 4.2.</summary>
    private void ReadEvent(ref Utf8JsonReader reader, long arrivalMs)
    {
        DecodedMessage m = Message;
        Fields seen = 0;
        long ts = 0, a0 = 0;
        double g = double.NaN, temp = double.NaN, bat = double.NaN;
        StartObject(ref reader);
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("v"u8)) { Mark(ref seen, Fields.V, "v"); ReadVersion(ref reader); }
            else if (reader.ValueTextEquals("boot"u8)) { Mark(ref seen, Fields.Boot, "boot"); m.Boot = ReadInteger(ref reader, "boot", 0, SensorLimits.MaxCounter); }
            else if (reader.ValueTextEquals("seq"u8)) { Mark(ref seen, Fields.Seq, "seq"); m.Seq = ReadInteger(ref reader, "seq", 0, SensorLimits.MaxCounter); }
            else if (reader.ValueTextEquals("ts"u8)) { Mark(ref seen, Fields.Time, "ts"); ts = ReadInteger(ref reader, "ts", 0, SensorLimits.MaxTimestampMs); }
            else if (reader.ValueTextEquals("a0"u8)) { Mark(ref seen, Fields.A0, "a0"); a0 = ReadInteger(ref reader, "a0", 0, SensorLimits.MaxAgeMs); }
            else if (reader.ValueTextEquals("t_est"u8)) { Mark(ref seen, Fields.TEst, "t_est"); m.TimeEstimated = ReadBoolean(ref reader, "t_est"); }
            else if (reader.ValueTextEquals("kind"u8)) { Mark(ref seen, Fields.Kind, "kind"); m.EventKind = ReadEventKind(ref reader); }
            else if (reader.ValueTextEquals("g"u8)) { Mark(ref seen, Fields.G, "g"); g = ReadNumber(ref reader, "g", SensorLimits.MinPeakG, SensorLimits.MaxPeakG, nullable: false); }
            else if (reader.ValueTextEquals("temp_c"u8)) { Mark(ref seen, Fields.TempC, "temp_c"); temp = ReadNumber(ref reader, "temp_c", SensorLimits.MinTemperatureC, SensorLimits.MaxTemperatureC, nullable: false); }
            else if (reader.ValueTextEquals("bat"u8)) { Mark(ref seen, Fields.Bat, "bat"); bat = ReadNumber(ref reader, "bat", SensorLimits.MinBatteryV, SensorLimits.MaxBatteryV, nullable: false); }
            else SkipUnknown(ref reader);
        }

        Require(seen, Fields.V | Fields.Boot | Fields.Seq | Fields.Kind);
        ResolveTime(seen, ts, a0, arrivalMs, timeName: "ts");
        // The value field each kind requires (4.2); the others, when present, were range-checked above and are ignored.
        (Fields valueField, double value) = m.EventKind switch
        {
            TagEventKind.Shock => (Fields.G, g),
            TagEventKind.TempHigh or TagEventKind.TempLow => (Fields.TempC, temp),
            _ => (Fields.Bat, bat),
        };
        Require(seen, valueField);
        m.EventValue = value;
    }

    /// <summary>Section 4.3; the will <c>{"v":1,"online":false}</c> is a status too.</summary>
    private void ReadStatus(ref Utf8JsonReader reader)
    {
        DecodedMessage m = Message;
        Fields seen = 0;
        StartObject(ref reader);
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("v"u8)) { Mark(ref seen, Fields.V, "v"); ReadVersion(ref reader); }
            else if (reader.ValueTextEquals("online"u8)) { Mark(ref seen, Fields.Online, "online"); m.Online = ReadBoolean(ref reader, "online"); }
            else if (reader.ValueTextEquals("fw"u8)) { Mark(ref seen, Fields.Fw, "fw"); m.Firmware = ReadFirmware(ref reader); }
            else if (reader.ValueTextEquals("boot"u8)) { Mark(ref seen, Fields.Boot, "boot"); m.Boot = ReadInteger(ref reader, "boot", 0, SensorLimits.MaxCounter); }
            else if (reader.ValueTextEquals("bat"u8)) { Mark(ref seen, Fields.Bat, "bat"); m.BatteryV = ReadNumber(ref reader, "bat", SensorLimits.MinBatteryV, SensorLimits.MaxBatteryV, nullable: true); }
            else if (reader.ValueTextEquals("rssi"u8)) { Mark(ref seen, Fields.Rssi, "rssi"); m.Rssi = ReadNullableInteger(ref reader, "rssi", SensorLimits.MinRssi, SensorLimits.MaxRssi); }
            else if (reader.ValueTextEquals("spool"u8)) { Mark(ref seen, Fields.Spool, "spool"); m.SpoolDepth = ReadInteger(ref reader, "spool", 0, SensorLimits.MaxCounter); }
            else if (reader.ValueTextEquals("thinned"u8)) { Mark(ref seen, Fields.Thinned, "thinned"); m.Thinned = ReadInteger(ref reader, "thinned", 0, SensorLimits.MaxCounter); }
            else if (reader.ValueTextEquals("life_d"u8)) { Mark(ref seen, Fields.LifeD, "life_d"); m.LifeDays = ReadInteger(ref reader, "life_d", SensorLimits.MinLifeDays, SensorLimits.MaxLifeDays); }
            else if (reader.ValueTextEquals("report_s"u8)) { Mark(ref seen, Fields.ReportS, "report_s"); m.ReportS = ReadInteger(ref reader, "report_s", SensorLimits.MinReportS, SensorLimits.MaxReportS); }
            else if (reader.ValueTextEquals("wakes"u8)) { Mark(ref seen, Fields.Wakes, "wakes"); m.Wakes = ReadInteger(ref reader, "wakes", 0, SensorLimits.MaxCounter); }
            else if (reader.ValueTextEquals("radio_ms"u8)) { Mark(ref seen, Fields.RadioMs, "radio_ms"); m.RadioMs = ReadInteger(ref reader, "radio_ms", 0, SensorLimits.MaxTimestampMs); }
            else if (reader.ValueTextEquals("ev_drop"u8)) { Mark(ref seen, Fields.EvDrop, "ev_drop"); m.EventsDropped = ReadInteger(ref reader, "ev_drop", 0, SensorLimits.MaxCounter); }
            else if (reader.ValueTextEquals("cfg_err"u8)) { Mark(ref seen, Fields.CfgErr, "cfg_err"); m.ConfigError = ReadConfigError(ref reader); }
            else SkipUnknown(ref reader);
        }

        Require(seen, Fields.V | Fields.Online);
        if (m.Online)
        {
            // "if online" fields of 4.3; the will carries none of them.
            Require(seen, Fields.Fw | Fields.Boot | Fields.Bat | Fields.Rssi | Fields.Spool | Fields.Thinned | Fields.LifeD);
        }
    }

    private void ResolveTime(Fields seen, long absolute, long age, long arrivalMs, string timeName)
    {
        bool hasAbsolute = (seen & Fields.Time) != 0, hasAge = (seen & Fields.A0) != 0;
        if (hasAbsolute == hasAge)
        {
            throw Reject(hasAbsolute ? RejectReason.BadJson : RejectReason.MissingField,
                hasAbsolute ? $"both {timeName} and a0 given, exactly one is allowed" : $"{timeName} or a0");
        }

        Message.ClockSynced = hasAbsolute;
        Message.TimeMs = hasAbsolute ? absolute : arrivalMs - age;
    }

    private void SkipUnknown(ref Utf8JsonReader reader)
    {
        // Section 3: unknown fields are ignored, but a duplicate name is an error wherever it is.
        if (!_unknownNames.Add(reader.GetString()!)) throw Reject(RejectReason.DuplicateField, $"{reader.GetString()} given twice");
        Read(ref reader);
        reader.Skip();
    }

    private static void Mark(ref Fields seen, Fields field, string name)
    {
        if ((seen & field) != 0) throw Reject(RejectReason.DuplicateField, $"{name} given twice");
        seen |= field;
    }

    private static TagEventKind ReadEventKind(ref Utf8JsonReader reader)
    {
        ReadString(ref reader, "kind");
        if (reader.ValueTextEquals("shock"u8)) return TagEventKind.Shock;
        if (reader.ValueTextEquals("temp_high"u8)) return TagEventKind.TempHigh;
        if (reader.ValueTextEquals("temp_low"u8)) return TagEventKind.TempLow;
        if (reader.ValueTextEquals("battery_low"u8)) return TagEventKind.BatteryLow;
        throw Reject(RejectReason.UnknownEventKind, "kind must be shock, temp_high, temp_low or battery_low");
    }

    /// <summary><c>[0-9A-Za-z.+_-]{1,32}</c> (4.3).</summary>
    private static string ReadFirmware(ref Utf8JsonReader reader)
    {
        ReadString(ref reader, "fw");
        string fw = reader.GetString()!;
        if (fw.Length is 0 or > SensorLimits.MaxFirmwareLength || !fw.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '_' or '-'))
        {
            throw Reject(RejectReason.OutOfRange, "fw must match [0-9A-Za-z.+_-]{1,32}");
        }

        return fw;
    }

    /// <summary>At most 120 characters (Unicode code points, as JSON Schema counts them).</summary>
    private static string ReadConfigError(ref Utf8JsonReader reader)
    {
        ReadString(ref reader, "cfg_err");
        string text = reader.GetString()!;
        if (text.Length > SensorLimits.MaxConfigErrorLength && text.EnumerateRunes().Count() > SensorLimits.MaxConfigErrorLength)
        {
            throw Reject(RejectReason.OutOfRange, $"cfg_err longer than {SensorLimits.MaxConfigErrorLength} characters");
        }

        return text;
    }

    /// <summary>Moves to a string value that decodes to Unicode text (no unpaired surrogate escape).</summary>
    private static void ReadString(ref Utf8JsonReader reader, string name)
    {
        Read(ref reader);
        if (reader.TokenType != JsonTokenType.String) throw WrongType(name, "a string");
        RequireValidEscapes(ref reader, name);
    }

    /// <summary>
    /// The payload is valid UTF-8, so the one way left for a string to be no text is a <c>\uD800</c>-style escape of a
    /// surrogate without its pair, which the reader accepts but cannot decode (it would throw). Checked on the raw
    /// value, only when it has escapes.
    /// </summary>
    private static void RequireValidEscapes(ref Utf8JsonReader reader, string name)
    {
        if (reader.ValueIsEscaped && !EscapesAreText(reader.ValueSpan))
        {
            throw Reject(RejectReason.InvalidString, $"{name} escapes an unpaired UTF-16 surrogate");
        }
    }

    /// <summary>True when every <c>\u</c> escape of a high surrogate is followed by one of a low surrogate, and no low
    /// surrogate stands alone. The reader has checked the escape syntax already.</summary>
    internal static bool EscapesAreText(ReadOnlySpan<byte> raw)
    {
        for (int i = raw.IndexOf((byte)'\\'); i >= 0; )
        {
            if (raw[i + 1] != 'u')
            {
                i = Next(raw, i + 2);
                continue;
            }

            int unit = Hex4(raw.Slice(i + 2, 4));
            if (unit is >= 0xDC00 and <= 0xDFFF) return false;
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 12 > raw.Length || raw[i + 6] != '\\' || raw[i + 7] != 'u') return false;
                if (Hex4(raw.Slice(i + 8, 4)) is < 0xDC00 or > 0xDFFF) return false;
                i = Next(raw, i + 12);
                continue;
            }

            i = Next(raw, i + 6);
        }

        return true;

        static int Next(ReadOnlySpan<byte> raw, int from)
        {
            int j = raw[from..].IndexOf((byte)'\\');
            return j < 0 ? -1 : from + j;
        }

        static int Hex4(ReadOnlySpan<byte> hex) => Utf8Parser.TryParse(hex, out ushort value, out int used, 'X') && used == 4 ? value : -1;
    }

    private static bool ReadBoolean(ref Utf8JsonReader reader, string name)
    {
        Read(ref reader);
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw WrongType(name, "true or false"),
        };
    }

    private static void ReadVersion(ref Utf8JsonReader reader)
    {
        long v = ReadInteger(ref reader, "v", long.MinValue, long.MaxValue);
        if (v != ProtocolVersion) throw Reject(RejectReason.UnsupportedVersion, $"v={v}, this gateway speaks v={ProtocolVersion}");
    }

    private static long? ReadNullableInteger(ref Utf8JsonReader reader, string name, long min, long max)
    {
        Read(ref reader);
        return reader.TokenType == JsonTokenType.Null ? null : IntegerValue(ref reader, name, min, max);
    }

    private static long ReadInteger(ref Utf8JsonReader reader, string name, long min, long max)
    {
        Read(ref reader);
        return IntegerValue(ref reader, name, min, max);
    }

    /// <summary>
    /// Section 3: an integer is a number whose exact decimal value is whole, in any JSON spelling (<c>300</c>,
    /// <c>300.0</c>, <c>6e2</c>); <c>1e-400</c> and <c>120.00000000000000000000000000001</c> are not (no rounding
    /// through double or decimal). A whole number outside 64 bits is out of range.
    /// </summary>
    private static long IntegerValue(ref Utf8JsonReader reader, string name, long min, long max)
    {
        if (reader.TokenType != JsonTokenType.Number) throw WrongType(name, "an integer");
        if (!reader.TryGetInt64(out long value))
        {
            switch (JsonInteger.Parse(reader.ValueSpan, out value))
            {
                case JsonInteger.Result.Fraction: throw WrongType(name, "an integer");
                case JsonInteger.Result.TooLarge: throw Reject(RejectReason.OutOfRange, $"{name} out of range {min}..{max}");
            }
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
        if (reader.TokenType != JsonTokenType.PropertyName) return false;
        RequireValidEscapes(ref reader, "a field name");
        return true;
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
        V = 1 << 0,
        Boot = 1 << 1,
        Seq = 1 << 2,
        Time = 1 << 3,
        A0 = 1 << 4,
        R = 1 << 5,
        Kind = 1 << 6,
        Online = 1 << 7,
        TEst = 1 << 8,
        Bat = 1 << 9,
        G = 1 << 10,
        TempC = 1 << 11,
        Fw = 1 << 12,
        Rssi = 1 << 13,
        Spool = 1 << 14,
        Thinned = 1 << 15,
        LifeD = 1 << 16,
        ReportS = 1 << 17,
        Wakes = 1 << 18,
        RadioMs = 1 << 19,
        EvDrop = 1 << 20,
        CfgErr = 1 << 21,
    }

    private sealed class RejectedException(Rejection rejection) : Exception(rejection.ToString())
    {
        public Rejection Rejection { get; } = rejection;
    }
}
