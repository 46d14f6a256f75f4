using System.Buffers.Text;
using System.Text.Json;
using System.Text.Unicode;
using Tracking.Gateway.Ingest.Schema;

namespace Tracking.Gateway.Ingest.Decoding;

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

    private static readonly string TooLargeDetail = $"more than {MaxPayloadBytes} bytes";

    private static readonly System.Buffers.SearchValues<byte> JsonValueStarts = System.Buffers.SearchValues.Create("[\"-0123456789"u8);

    // Names of unknown top-level fields, only to refuse duplicates among them (section 3); empty for today's tags.
    private readonly HashSet<string> _unknownNames = new(StringComparer.Ordinal);

    // Why the last Read* that returned false refused the message: rejections are return values, not exceptions, so that
    // refusing a flood of bad messages costs less than accepting good ones (issue 9 item 4).
    private Rejection _rejection;

    public DecodedMessage Message { get; } = new();

    /// <param name="arrivalMs">Unix ms the gateway received the message: the time base of a0 ages (section 7.1).</param>
    public bool TryDecode(in TrackingTopic topic, ReadOnlySpan<byte> payload, long arrivalMs, out Rejection rejection)
    {
        rejection = default;
        if (payload.Length > MaxPayloadBytes)
        {
            // A constant detail: the length is in the log line and the dead letter ("payload_bytes"), and a flood of big
            // junk allocates nothing per message here.
            rejection = new Rejection(RejectReason.PayloadTooLarge, TooLargeDetail);
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

        // Every payload must be an object (sections 4.1 to 4.3): junk is refused here, before the reader would throw at it.
        int start = payload.IndexOfAnyExcept(" \t\r\n"u8);
        if (start < 0)
        {
            rejection = new Rejection(RejectReason.BadJson, "empty payload");
            return false;
        }

        if (payload[start] != (byte)'{')
        {
            // What could start another JSON value is the wrong type; anything else is not JSON at all.
            ReadOnlySpan<byte> rest = payload[start..];
            bool value = JsonValueStarts.Contains(rest[0]) || rest.StartsWith("true"u8) || rest.StartsWith("false"u8) || rest.StartsWith("null"u8);
            rejection = value
                ? new Rejection(RejectReason.WrongType, "payload must be a JSON object")
                : new Rejection(RejectReason.BadJson, "payload is not JSON");
            return false;
        }

        // Utf8JsonReader reports syntax errors only by throwing: check the syntax first, so broken JSON is refused with
        // a return value like every other rejection.
        if (JsonSyntax.Problem(payload) is string syntax)
        {
            rejection = new Rejection(RejectReason.BadJson, syntax);
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(payload, ReaderOptions);
            bool read = topic.Kind switch
            {
                MessageKind.Telemetry => ReadTelemetry(ref reader, arrivalMs),
                MessageKind.Event => ReadEvent(ref reader, arrivalMs),
                _ => ReadStatus(ref reader),
            };
            if (!read)
            {
                rejection = _rejection;
                return false;
            }

            if (reader.Read())
            {
                rejection = new Rejection(RejectReason.BadJson, "data after the JSON object");
                return false;
            }

            // Acknowledged must mean storable (section 5): refuse here what the writer would refuse on replay.
            return InfluxLines.IsStorable(topic, Message, arrivalMs, out rejection);
        }
        catch (JsonException ex)
        {
            // Defence in depth: JsonSyntax has refused every syntax error the reader would throw on (a property test
            // holds the two to the same verdicts), so this is not on the rejection path.
            rejection = new Rejection(RejectReason.BadJson, ex.Message);
            return false;
        }
    }

    /// <summary>Section 4.1.</summary>
    private bool ReadTelemetry(ref Utf8JsonReader reader, long arrivalMs)
    {
        DecodedMessage m = Message;
        Fields seen = 0;
        long t0 = 0, a0 = 0, boot = 0, seq = 0;
        bool estimated = false;
        double bat = double.NaN;
        if (!StartObject(ref reader)) return false;
        while (true)
        {
            if (!NextProperty(ref reader, out bool more)) return false;
            if (!more) break;
            bool ok;
            if (reader.ValueTextEquals("v"u8)) ok = Mark(ref seen, Fields.V, "v") && ReadVersion(ref reader);
            else if (reader.ValueTextEquals("boot"u8)) ok = Mark(ref seen, Fields.Boot, "boot") && ReadInteger(ref reader, "boot", 0, SensorLimits.MaxCounter, out boot);
            else if (reader.ValueTextEquals("seq"u8)) ok = Mark(ref seen, Fields.Seq, "seq") && ReadInteger(ref reader, "seq", 0, SensorLimits.MaxCounter, out seq);
            else if (reader.ValueTextEquals("t0"u8)) ok = Mark(ref seen, Fields.Time, "t0") && ReadInteger(ref reader, "t0", 0, SensorLimits.MaxTimestampMs, out t0);
            else if (reader.ValueTextEquals("a0"u8)) ok = Mark(ref seen, Fields.A0, "a0") && ReadInteger(ref reader, "a0", 0, SensorLimits.MaxAgeMs, out a0);
            else if (reader.ValueTextEquals("t_est"u8)) ok = Mark(ref seen, Fields.TEst, "t_est") && ReadBoolean(ref reader, "t_est", out estimated);
            else if (reader.ValueTextEquals("bat"u8)) ok = Mark(ref seen, Fields.Bat, "bat") && ReadNumber(ref reader, "bat", SensorLimits.MinBatteryV, SensorLimits.MaxBatteryV, nullable: true, out bat);
            else if (reader.ValueTextEquals("r"u8)) ok = Mark(ref seen, Fields.R, "r") && ReadReadings(ref reader);
            else ok = SkipUnknown(ref reader);
            if (!ok) return false;
        }

        if (!Require(seen, Fields.V | Fields.Boot | Fields.Seq | Fields.Bat | Fields.R)) return false;
        if (!ResolveTime(seen, t0, a0, arrivalMs, timeName: "t0")) return false;
        (m.Boot, m.Seq, m.TimeEstimated, m.BatteryV) = (boot, seq, estimated, bat);
        // Reading i has seq + i (4.1), and a seq is an unsigned 32-bit number (section 5).
        if (seq + m.ReadingCount - 1 > SensorLimits.MaxCounter)
        {
            return Fail(RejectReason.OutOfRange, "seq of the last reading exceeds the 32-bit counter");
        }

        return true;
    }

    private bool ReadReadings(ref Utf8JsonReader reader)
    {
        if (!Read(ref reader)) return false;
        if (reader.TokenType != JsonTokenType.StartArray) return WrongType("r", "an array of readings");
        DecodedMessage m = Message;
        int count = 0;
        while (true)
        {
            if (!Read(ref reader)) return false;
            if (reader.TokenType == JsonTokenType.EndArray) break;
            if (reader.TokenType != JsonTokenType.StartArray) return WrongType("r[]", "a reading array [offset, temp, rh, pressure, peak_g]");
            if (count == DecodedMessage.MaxReadings)
            {
                return Fail(RejectReason.TooManyReadings, $"more than {DecodedMessage.MaxReadings} readings");
            }

            ref Reading r = ref m.ReadingBuffer[count];
            if (!ReadInteger(ref reader, "r[][0] offset", 0, SensorLimits.MaxOffsetMs, out r.OffsetMs)) return false;
            // 4.1: 0 for the first reading, then strictly increasing (batch cutting rule 4, which receivers verify).
            if (count == 0 ? r.OffsetMs != 0 : r.OffsetMs <= m.ReadingBuffer[count - 1].OffsetMs)
            {
                return Fail(RejectReason.OutOfRange, count == 0 ? "the first reading's offset must be 0" : "offsets must be strictly increasing");
            }

            if (!ReadNumber(ref reader, "r[][1] temp", SensorLimits.MinTemperatureC, SensorLimits.MaxTemperatureC, nullable: true, out r.TemperatureC)
                || !ReadNumber(ref reader, "r[][2] rh", SensorLimits.MinHumidityPct, SensorLimits.MaxHumidityPct, nullable: true, out r.HumidityPct)
                || !ReadNumber(ref reader, "r[][3] pressure", SensorLimits.MinPressureHpa, SensorLimits.MaxPressureHpa, nullable: true, out r.PressureHpa)
                || !ReadNumber(ref reader, "r[][4] peak_g", SensorLimits.MinPeakG, SensorLimits.MaxPeakG, nullable: true, out r.PeakG)
                || !Read(ref reader))
            {
                return false;
            }

            if (reader.TokenType != JsonTokenType.EndArray) return WrongType("r[]", "exactly 5 elements");
            count++;
        }

        if (count == 0) return Fail(RejectReason.MissingField, "r holds no readings");
        m.ReadingCount = count;
        return true;
    }

    /// <summary>Section 4.2.</summary>
    private bool ReadEvent(ref Utf8JsonReader reader, long arrivalMs)
    {
        DecodedMessage m = Message;
        Fields seen = 0;
        long ts = 0, a0 = 0, boot = 0, seq = 0;
        bool estimated = false;
        TagEventKind kind = default;
        double g = double.NaN, temp = double.NaN, bat = double.NaN;
        if (!StartObject(ref reader)) return false;
        while (true)
        {
            if (!NextProperty(ref reader, out bool more)) return false;
            if (!more) break;
            bool ok;
            if (reader.ValueTextEquals("v"u8)) ok = Mark(ref seen, Fields.V, "v") && ReadVersion(ref reader);
            else if (reader.ValueTextEquals("boot"u8)) ok = Mark(ref seen, Fields.Boot, "boot") && ReadInteger(ref reader, "boot", 0, SensorLimits.MaxCounter, out boot);
            else if (reader.ValueTextEquals("seq"u8)) ok = Mark(ref seen, Fields.Seq, "seq") && ReadInteger(ref reader, "seq", 0, SensorLimits.MaxCounter, out seq);
            else if (reader.ValueTextEquals("ts"u8)) ok = Mark(ref seen, Fields.Time, "ts") && ReadInteger(ref reader, "ts", 0, SensorLimits.MaxTimestampMs, out ts);
            else if (reader.ValueTextEquals("a0"u8)) ok = Mark(ref seen, Fields.A0, "a0") && ReadInteger(ref reader, "a0", 0, SensorLimits.MaxAgeMs, out a0);
            else if (reader.ValueTextEquals("t_est"u8)) ok = Mark(ref seen, Fields.TEst, "t_est") && ReadBoolean(ref reader, "t_est", out estimated);
            else if (reader.ValueTextEquals("kind"u8)) ok = Mark(ref seen, Fields.Kind, "kind") && ReadEventKind(ref reader, out kind);
            else if (reader.ValueTextEquals("g"u8)) ok = Mark(ref seen, Fields.G, "g") && ReadNumber(ref reader, "g", SensorLimits.MinPeakG, SensorLimits.MaxPeakG, nullable: false, out g);
            else if (reader.ValueTextEquals("temp_c"u8)) ok = Mark(ref seen, Fields.TempC, "temp_c") && ReadNumber(ref reader, "temp_c", SensorLimits.MinTemperatureC, SensorLimits.MaxTemperatureC, nullable: false, out temp);
            else if (reader.ValueTextEquals("bat"u8)) ok = Mark(ref seen, Fields.Bat, "bat") && ReadNumber(ref reader, "bat", SensorLimits.MinBatteryV, SensorLimits.MaxBatteryV, nullable: false, out bat);
            else ok = SkipUnknown(ref reader);
            if (!ok) return false;
        }

        if (!Require(seen, Fields.V | Fields.Boot | Fields.Seq | Fields.Kind)) return false;
        if (!ResolveTime(seen, ts, a0, arrivalMs, timeName: "ts")) return false;
        (m.Boot, m.Seq, m.TimeEstimated, m.EventKind) = (boot, seq, estimated, kind);
        // The value field each kind requires (4.2); the others, when present, were range-checked above and are ignored.
        (Fields valueField, double value) = kind switch
        {
            TagEventKind.Shock => (Fields.G, g),
            TagEventKind.TempHigh or TagEventKind.TempLow => (Fields.TempC, temp),
            _ => (Fields.Bat, bat),
        };
        if (!Require(seen, valueField)) return false;
        m.EventValue = value;
        return true;
    }

    /// <summary>Section 4.3; the will <c>{"v":1,"online":false}</c> is a status too.</summary>
    private bool ReadStatus(ref Utf8JsonReader reader)
    {
        DecodedMessage m = Message;
        Fields seen = 0;
        bool online = false;
        string? fw = null, configError = null, sensorError = null;
        long boot = 0, spool = 0, thinned = 0, lifeDays = 0, reportS = 0, wakes = 0, radioMs = 0, eventsDropped = 0;
        long? rssi = null;
        double bat = double.NaN;
        if (!StartObject(ref reader)) return false;
        while (true)
        {
            if (!NextProperty(ref reader, out bool more)) return false;
            if (!more) break;
            bool ok;
            if (reader.ValueTextEquals("v"u8)) ok = Mark(ref seen, Fields.V, "v") && ReadVersion(ref reader);
            else if (reader.ValueTextEquals("online"u8)) ok = Mark(ref seen, Fields.Online, "online") && ReadBoolean(ref reader, "online", out online);
            else if (reader.ValueTextEquals("fw"u8)) ok = Mark(ref seen, Fields.Fw, "fw") && ReadFirmware(ref reader, out fw);
            else if (reader.ValueTextEquals("boot"u8)) ok = Mark(ref seen, Fields.Boot, "boot") && ReadInteger(ref reader, "boot", 0, SensorLimits.MaxCounter, out boot);
            else if (reader.ValueTextEquals("bat"u8)) ok = Mark(ref seen, Fields.Bat, "bat") && ReadNumber(ref reader, "bat", SensorLimits.MinBatteryV, SensorLimits.MaxBatteryV, nullable: true, out bat);
            else if (reader.ValueTextEquals("rssi"u8)) ok = Mark(ref seen, Fields.Rssi, "rssi") && ReadNullableInteger(ref reader, "rssi", SensorLimits.MinRssi, SensorLimits.MaxRssi, out rssi);
            else if (reader.ValueTextEquals("spool"u8)) ok = Mark(ref seen, Fields.Spool, "spool") && ReadInteger(ref reader, "spool", 0, SensorLimits.MaxCounter, out spool);
            else if (reader.ValueTextEquals("thinned"u8)) ok = Mark(ref seen, Fields.Thinned, "thinned") && ReadInteger(ref reader, "thinned", 0, SensorLimits.MaxCounter, out thinned);
            else if (reader.ValueTextEquals("life_d"u8)) ok = Mark(ref seen, Fields.LifeD, "life_d") && ReadInteger(ref reader, "life_d", SensorLimits.MinLifeDays, SensorLimits.MaxLifeDays, out lifeDays);
            else if (reader.ValueTextEquals("report_s"u8)) ok = Mark(ref seen, Fields.ReportS, "report_s") && ReadInteger(ref reader, "report_s", SensorLimits.MinReportS, SensorLimits.MaxReportS, out reportS);
            else if (reader.ValueTextEquals("wakes"u8)) ok = Mark(ref seen, Fields.Wakes, "wakes") && ReadInteger(ref reader, "wakes", 0, SensorLimits.MaxCounter, out wakes);
            else if (reader.ValueTextEquals("radio_ms"u8)) ok = Mark(ref seen, Fields.RadioMs, "radio_ms") && ReadInteger(ref reader, "radio_ms", 0, SensorLimits.MaxTimestampMs, out radioMs);
            else if (reader.ValueTextEquals("ev_drop"u8)) ok = Mark(ref seen, Fields.EvDrop, "ev_drop") && ReadInteger(ref reader, "ev_drop", 0, SensorLimits.MaxCounter, out eventsDropped);
            else if (reader.ValueTextEquals("cfg_err"u8)) ok = Mark(ref seen, Fields.CfgErr, "cfg_err") && ReadReason(ref reader, "cfg_err", out configError);
            else if (reader.ValueTextEquals("sensor_err"u8)) ok = Mark(ref seen, Fields.SensorErr, "sensor_err") && ReadReason(ref reader, "sensor_err", out sensorError);
            else ok = SkipUnknown(ref reader);
            if (!ok) return false;
        }

        if (!Require(seen, Fields.V | Fields.Online)) return false;
        // "if online" fields of 4.3; the will carries none of them.
        if (online && !Require(seen, Fields.Fw | Fields.Boot | Fields.Bat | Fields.Rssi | Fields.Spool | Fields.Thinned | Fields.LifeD)) return false;
        (m.Online, m.Firmware, m.ConfigError, m.SensorError, m.BatteryV, m.Rssi) = (online, fw, configError, sensorError, bat, rssi);
        if ((seen & Fields.Boot) != 0) m.Boot = boot;
        if ((seen & Fields.Spool) != 0) m.SpoolDepth = spool;
        if ((seen & Fields.Thinned) != 0) m.Thinned = thinned;
        if ((seen & Fields.LifeD) != 0) m.LifeDays = lifeDays;
        if ((seen & Fields.ReportS) != 0) m.ReportS = reportS;
        if ((seen & Fields.Wakes) != 0) m.Wakes = wakes;
        if ((seen & Fields.RadioMs) != 0) m.RadioMs = radioMs;
        if ((seen & Fields.EvDrop) != 0) m.EventsDropped = eventsDropped;
        return true;
    }

    private bool ResolveTime(Fields seen, long absolute, long age, long arrivalMs, string timeName)
    {
        bool hasAbsolute = (seen & Fields.Time) != 0, hasAge = (seen & Fields.A0) != 0;
        if (hasAbsolute == hasAge)
        {
            return Fail(hasAbsolute ? RejectReason.BadJson : RejectReason.MissingField,
                hasAbsolute ? $"both {timeName} and a0 given, exactly one is allowed" : $"{timeName} or a0");
        }

        Message.ClockSynced = hasAbsolute;
        Message.TimeMs = hasAbsolute ? absolute : arrivalMs - age;
        return true;
    }

    private bool SkipUnknown(ref Utf8JsonReader reader)
    {
        // Section 3: unknown fields are ignored, but a duplicate name is an error wherever it is.
        if (!_unknownNames.Add(reader.GetString()!)) return Fail(RejectReason.DuplicateField, $"{reader.GetString()} given twice");
        if (!Read(ref reader)) return false;
        reader.Skip();
        return true;
    }

    private bool Mark(ref Fields seen, Fields field, string name)
    {
        if ((seen & field) != 0) return Fail(RejectReason.DuplicateField, $"{name} given twice");
        seen |= field;
        return true;
    }

    private bool ReadEventKind(ref Utf8JsonReader reader, out TagEventKind kind)
    {
        kind = default;
        if (!ReadString(ref reader, "kind")) return false;
        if (reader.ValueTextEquals("shock"u8)) kind = TagEventKind.Shock;
        else if (reader.ValueTextEquals("temp_high"u8)) kind = TagEventKind.TempHigh;
        else if (reader.ValueTextEquals("temp_low"u8)) kind = TagEventKind.TempLow;
        else if (reader.ValueTextEquals("battery_low"u8)) kind = TagEventKind.BatteryLow;
        else return Fail(RejectReason.UnknownEventKind, "kind must be shock, temp_high, temp_low or battery_low");
        return true;
    }

    /// <summary><c>[0-9A-Za-z.+_-]{1,32}</c> (4.3), on the decoded value (an escaped <c>\u002e</c> is a dot too).</summary>
    private bool ReadFirmware(ref Utf8JsonReader reader, out string? fw)
    {
        fw = null;
        if (!ReadString(ref reader, "fw")) return false;
        string value = reader.GetString()!;
        if (value.Length is 0 or > SensorLimits.MaxFirmwareLength || value.AsSpan().IndexOfAnyExcept(FirmwareCharacters) >= 0)
        {
            return Fail(RejectReason.OutOfRange, "fw must match [0-9A-Za-z.+_-]{1,32}");
        }

        fw = value;
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> FirmwareCharacters =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.+_-");

    /// <summary>At most 120 characters (Unicode code points, as JSON Schema counts them).</summary>
    private bool ReadReason(ref Utf8JsonReader reader, string name, out string? text)
    {
        text = null;
        if (!ReadString(ref reader, name)) return false;
        text = reader.GetString()!;
        if (text.Length > SensorLimits.MaxConfigErrorLength && text.EnumerateRunes().Count() > SensorLimits.MaxConfigErrorLength)
        {
            return Fail(RejectReason.OutOfRange, $"{name} longer than {SensorLimits.MaxConfigErrorLength} characters");
        }

        return true;
    }

    /// <summary>Moves to a string value that decodes to Unicode text (no unpaired surrogate escape).</summary>
    private bool ReadString(ref Utf8JsonReader reader, string name)
    {
        if (!Read(ref reader)) return false;
        if (reader.TokenType != JsonTokenType.String) return WrongType(name, "a string");
        return RequireValidEscapes(ref reader, name);
    }

    /// <summary>
    /// The payload is valid UTF-8, so the one way left for a string to be no text is a <c>\uD800</c>-style escape of a
    /// surrogate without its pair, which the reader accepts but cannot decode (it would throw). Checked on the raw
    /// value, only when it has escapes.
    /// </summary>
    private bool RequireValidEscapes(ref Utf8JsonReader reader, string name)
    {
        if (reader.ValueIsEscaped && !EscapesAreText(reader.ValueSpan))
        {
            return Fail(RejectReason.InvalidString, $"{name} escapes an unpaired UTF-16 surrogate");
        }

        return true;
    }

    /// <summary>True when every <c>\u</c> escape of a high surrogate is followed by one of a low surrogate, and no low
    /// surrogate stands alone. The reader has checked the escape syntax already.</summary>
    internal static bool EscapesAreText(ReadOnlySpan<byte> raw)
    {
        for (int i = raw.IndexOf((byte)'\\'); i >= 0;)
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

    private bool ReadBoolean(ref Utf8JsonReader reader, string name, out bool value)
    {
        value = false;
        if (!Read(ref reader)) return false;
        switch (reader.TokenType)
        {
            case JsonTokenType.True: value = true; return true;
            case JsonTokenType.False: return true;
            default: return WrongType(name, "true or false");
        }
    }

    private bool ReadVersion(ref Utf8JsonReader reader)
    {
        if (!ReadInteger(ref reader, "v", long.MinValue, long.MaxValue, out long v)) return false;
        return v == ProtocolVersion || Fail(RejectReason.UnsupportedVersion, $"v={v}, this gateway speaks v={ProtocolVersion}");
    }

    private bool ReadNullableInteger(ref Utf8JsonReader reader, string name, long min, long max, out long? value)
    {
        value = null;
        if (!Read(ref reader)) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (!IntegerValue(ref reader, name, min, max, out long v)) return false;
        value = v;
        return true;
    }

    private bool ReadInteger(ref Utf8JsonReader reader, string name, long min, long max, out long value)
    {
        value = 0;
        return Read(ref reader) && IntegerValue(ref reader, name, min, max, out value);
    }

    /// <summary>
    /// Section 3: an integer is a number whose exact decimal value is whole, in any JSON spelling (<c>300</c>,
    /// <c>300.0</c>, <c>6e2</c>); <c>1e-400</c> and <c>120.00000000000000000000000000001</c> are not (no rounding
    /// through double or decimal). A whole number outside 64 bits is out of range.
    /// </summary>
    private bool IntegerValue(ref Utf8JsonReader reader, string name, long min, long max, out long value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.Number) return WrongType(name, "an integer");
        if (!reader.TryGetInt64(out value))
        {
            switch (JsonInteger.Parse(reader.ValueSpan, out value))
            {
                case JsonInteger.Result.Fraction: return WrongType(name, "an integer");
                case JsonInteger.Result.TooLarge: return Fail(RejectReason.OutOfRange, $"{name} out of range {min}..{max}");
            }
        }

        if (value < min || value > max) return Fail(RejectReason.OutOfRange, $"{name}={value} out of range {min}..{max}");
        return true;
    }

    private bool ReadNumber(ref Utf8JsonReader reader, string name, double min, double max, bool nullable, out double value)
    {
        value = double.NaN;
        if (!Read(ref reader)) return false;
        if (reader.TokenType == JsonTokenType.Null && nullable) return true;
        if (reader.TokenType != JsonTokenType.Number) return WrongType(name, nullable ? "a number or null" : "a number");
        if (!reader.TryGetDouble(out value) || !double.IsFinite(value))
        {
            return Fail(RejectReason.OutOfRange, $"{name} is not a finite number");
        }

        if (value < min || value > max) return Fail(RejectReason.OutOfRange, $"{name}={value} out of range {min}..{max}");
        return true;
    }

    private bool StartObject(ref Utf8JsonReader reader)
    {
        if (!Read(ref reader)) return false;
        return reader.TokenType == JsonTokenType.StartObject || WrongType("payload", "a JSON object");
    }

    /// <summary>Moves to the next property name; <paramref name="more"/> is false at the end of the object.</summary>
    private bool NextProperty(ref Utf8JsonReader reader, out bool more)
    {
        more = false;
        if (!Read(ref reader)) return false;
        if (reader.TokenType != JsonTokenType.PropertyName) return true;
        more = true;
        return RequireValidEscapes(ref reader, "a field name");
    }

    private bool Read(ref Utf8JsonReader reader) =>
        reader.Read() || Fail(RejectReason.BadJson, "unexpected end of payload");

    private bool Require(Fields seen, Fields required)
    {
        Fields missing = required & ~seen;
        return missing == 0 || Fail(RejectReason.MissingField, missing.ToString().ToLowerInvariant());
    }

    private bool WrongType(string name, string expected) => Fail(RejectReason.WrongType, $"{name} must be {expected}");

    /// <summary>Records why and returns false, so that a refusal reads <c>return Fail(...)</c>.</summary>
    private bool Fail(RejectReason reason, string detail)
    {
        _rejection = new Rejection(reason, detail);
        return false;
    }

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
        SensorErr = 1 << 22,
    }
}
