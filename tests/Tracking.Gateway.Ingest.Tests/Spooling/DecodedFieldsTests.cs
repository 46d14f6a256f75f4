using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Tests.Spooling;

/// <summary>
/// The decoded fields a version 2 spool record carries: every message reads back field for field (NaN, absent values,
/// any Unicode text included), and any bytes read as a message or a refusal, never an exception.
/// </summary>
public class DecodedFieldsTests
{
    private static readonly MessageKind[] Kinds = [MessageKind.Telemetry, MessageKind.Event, MessageKind.Status];

    private static Gen<double> Doubles() =>
        Gen.OneOf(Gen.Constant(double.NaN), Gen.Choose(-100_000, 100_000).Select(i => i / 64.0), ArbMap.Default.GeneratorFor<double>());

    private static Gen<long?> OptionalLongs() =>
        Gen.OneOf(Gen.Constant<long?>(null), ArbMap.Default.GeneratorFor<long>().Select(v => (long?)v));

    private static Gen<string?> Texts() =>
        Gen.OneOf(Gen.Constant<string?>(null), Gen.Constant<string?>(""),
            ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => (string?)s.Get.Replace('\uD800', 'x').Replace('\uDC00', 'y')));

    private static Gen<DecodedMessage> Messages() =>
        from kind in Gen.Elements(Kinds)
        from flags in Gen.Choose(0, 15)
        from numbers in ArbMap.Default.GeneratorFor<long>().ArrayOf(3)
        from battery in Doubles()
        from eventKind in Gen.Elements(Enum.GetValues<TagEventKind>())
        from eventValue in Doubles()
        from count in Gen.OneOf(Gen.Choose(0, 3), Gen.Choose(0, DecodedMessage.MaxReadings))
        from values in Doubles().ArrayOf(count * 4)
        from offsets in ArbMap.Default.GeneratorFor<long>().ArrayOf(count)
        from optionals in OptionalLongs().ArrayOf(8)
        from texts in Texts().ArrayOf(3)
        select Build(kind, flags, numbers, battery, eventKind, eventValue, offsets, values, optionals, texts);

    private static DecodedMessage Build(MessageKind kind, int flags, long[] numbers, double battery, TagEventKind eventKind,
        double eventValue, long[] offsets, double[] values, long?[] optionals, string?[] texts)
    {
        var m = new DecodedMessage();
        m.Reset(kind);
        m.ClockSynced = (flags & 1) != 0;
        m.TimeEstimated = (flags & 2) != 0;
        m.Online = (flags & 4) != 0;
        m.TagRemoved = (flags & 8) != 0;
        (m.Boot, m.Seq, m.TimeMs) = (numbers[0], numbers[1], numbers[2]);
        m.BatteryV = battery;
        m.EventKind = eventKind;
        m.EventValue = eventValue;
        for (int i = 0; i < offsets.Length; i++)
        {
            m.ReadingBuffer[i] = new Reading
            {
                OffsetMs = offsets[i], TemperatureC = values[4 * i], HumidityPct = values[(4 * i) + 1],
                PressureHpa = values[(4 * i) + 2], PeakG = values[(4 * i) + 3],
            };
        }

        m.ReadingCount = offsets.Length;
        (m.Rssi, m.SpoolDepth, m.Thinned, m.LifeDays) = (optionals[0], optionals[1], optionals[2], optionals[3]);
        (m.ReportS, m.Wakes, m.RadioMs, m.EventsDropped) = (optionals[4], optionals[5], optionals[6], optionals[7]);
        (m.Firmware, m.ConfigError, m.SensorError) = (texts[0], texts[1], texts[2]);
        return m;
    }

    /// <summary>Every field, doubles by their bits (NaN equals NaN), as one comparable text.</summary>
    private static string Describe(DecodedMessage m) => string.Join("|",
        m.Kind, m.ClockSynced, m.TimeEstimated, m.Online, m.TagRemoved, m.Boot, m.Seq, m.TimeMs, Bits(m.BatteryV), m.EventKind,
        Bits(m.EventValue), string.Join(";", m.Readings.ToArray().Select(r =>
            $"{r.OffsetMs},{Bits(r.TemperatureC)},{Bits(r.HumidityPct)},{Bits(r.PressureHpa)},{Bits(r.PeakG)}")),
        m.Rssi, m.SpoolDepth, m.Thinned, m.LifeDays, m.ReportS, m.Wakes, m.RadioMs, m.EventsDropped,
        m.Firmware ?? "<null>", m.ConfigError ?? "<null>", m.SensorError ?? "<null>");

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    private static byte[] Encode(DecodedMessage m)
    {
        byte[] buffer = new byte[DecodedFields.MaxSize(m)];
        return buffer[..DecodedFields.Write(buffer, m)];
    }

    [Fact]
    public void Every_message_reads_back_field_for_field()
    {
        var target = new DecodedMessage();
        Prop.ForAll(Messages().ToArbitrary(), m =>
        {
            byte[] encoded = Encode(m);
            return DecodedFields.TryRead(encoded, target) && Describe(target) == Describe(m);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void Any_bytes_and_any_damage_read_as_a_message_or_a_refusal()
    {
        var target = new DecodedMessage();
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            DecodedFields.TryRead(bytes, target);
            return true; // reaching here means nothing was thrown
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));

        Gen<(byte[] Encoded, int Cut, int Position, byte Value)> damaged =
            from m in Messages()
            let encoded = Encode(m)
            from cut in Gen.Choose(0, encoded.Length)
            from position in Gen.Choose(0, encoded.Length - 1)
            from value in Gen.Choose(0, 255)
            select (encoded, cut, position, (byte)value);
        Prop.ForAll(damaged.ToArbitrary(), d =>
        {
            byte[] flipped = (byte[])d.Encoded.Clone();
            flipped[d.Position] = d.Value;
            bool truncatedRead = DecodedFields.TryRead(d.Encoded.AsSpan(0, d.Cut), target);
            DecodedFields.TryRead(flipped, target);
            // A cut encoding is never taken for a whole one.
            return !truncatedRead || d.Cut == d.Encoded.Length;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    [Fact]
    public void Decoded_real_payloads_spool_and_read_back_as_the_decoder_made_them()
    {
        string[] payloads =
        [
            """{"v":1,"boot":3,"seq":1,"t0":1732600000000,"bat":3.9,"r":[[0,4,50,1000,0.1],[300000,4.2,null,1013.1,0.08]]}""",
            """{"v":1,"boot":3,"seq":121,"a0":5000,"kind":"temp_high","temp_c":9.5}""",
            """{"v":1,"online":true,"fw":"1.0.0","boot":3,"bat":3.91,"rssi":-67,"spool":12,"thinned":0,"life_d":410,"cfg_err":"t_lo >= t_hi","sensor_err":"bme280: absent ✗"}""",
        ];
        string[] kinds = ["telemetry", "event", "status"];
        for (int i = 0; i < payloads.Length; i++)
        {
            string topic = $"tracking/v1/f/CSQU3054383/t/{kinds[i]}";
            Assert.True(TrackingTopic.TryParse(topic, true, out TrackingTopic parsed, out _));
            var decoder = new MessageDecoder();
            Assert.True(decoder.TryDecode(parsed, System.Text.Encoding.UTF8.GetBytes(payloads[i]), 1_732_600_100_000, out Rejection rejection), rejection.Detail);
            byte[] record = Support.SpoolRecords.Of(topic, payloads[i], 1_732_600_100_000);

            var reader = new SpoolRecordDecoder(strictContainerIds: true);
            Assert.True(reader.TryDecode(record, out long arrival, out string topicText, out _, out _, out rejection), rejection.Detail);
            Assert.Equal((1_732_600_100_000, topic), (arrival, topicText));
            Assert.Equal(Describe(decoder.Message), Describe(reader.Message));
        }
    }
}
