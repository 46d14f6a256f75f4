using System.Collections.Immutable;
using Tracking.Gateway.Ingest.Decoding;

namespace Tracking.Gateway.Ingest.Consumers;

/// <summary>
/// One accepted message as every consumer of the spool sees it (rules, live stream, exports): immutable, so one instance
/// can be handed to several consumers and kept, unlike the <see cref="DecodedMessage"/> a decoder reuses. Made from the
/// decoded fields the spool record holds, never from the JSON again. Times are Unix ms as docs/protocol.md section 7
/// derives them (a0 readings: from the arrival time; <see cref="ClockSynced"/> false).
/// </summary>
public sealed record TagMessage
{
    public required string Fleet { get; init; }
    public required string Container { get; init; }
    public required string Tag { get; init; }
    public required MessageKind Kind { get; init; }

    /// <summary>When the gateway received it (Unix ms).</summary>
    public required long ArrivalMs { get; init; }

    public long Boot { get; init; }
    public long Seq { get; init; }

    /// <summary>Telemetry: time of the first reading. Event: its time. Status: the arrival time.</summary>
    public long TimeMs { get; init; }

    public bool ClockSynced { get; init; } = true;
    public bool TimeEstimated { get; init; }

    /// <summary>Battery volts (telemetry, status); NaN when absent.</summary>
    public double BatteryV { get; init; } = double.NaN;

    /// <summary>Telemetry readings, offsets from <see cref="TimeMs"/>; reading i has sequence number Seq + i.</summary>
    public ImmutableArray<Reading> Readings { get; init; } = [];

    public TagEventKind EventKind { get; init; }
    public double EventValue { get; init; } = double.NaN;

    /// <summary>Status messages only (null for the others, which are nearly all: each message is one allocation the less).</summary>
    public TagStatusFields? Status { get; init; }

    public bool Online => Status?.Online ?? false;
    public string? Firmware => Status?.Firmware;
    public long? Rssi => Status?.Rssi;
    public long? SpoolDepth => Status?.SpoolDepth;
    public long? Thinned => Status?.Thinned;
    public long? LifeDays => Status?.LifeDays;
    public long? ReportS => Status?.ReportS;
    public string? ConfigError => Status?.ConfigError;
    public string? SensorError => Status?.SensorError;

    /// <summary>The time of reading <paramref name="index"/> in Unix ms.</summary>
    public long ReadingTimeMs(int index) => TimeMs + Readings[index].OffsetMs;

    public static TagMessage From(in TrackingTopic topic, DecodedMessage m, long arrivalMs) =>
        From(topic.Fleet.ToString(), topic.Container.ToString(), topic.Tag.ToString(), m, arrivalMs);

    /// <summary>With the topic's ids as strings the caller keeps (one per topic, not one per message).</summary>
    public static TagMessage From(string fleet, string container, string tag, DecodedMessage m, long arrivalMs) => new()
    {
        Fleet = fleet,
        Container = container,
        Tag = tag,
        Kind = m.Kind,
        ArrivalMs = arrivalMs,
        Boot = m.Boot,
        Seq = m.Seq,
        TimeMs = m.Kind == MessageKind.Status ? arrivalMs : m.TimeMs,
        ClockSynced = m.ClockSynced,
        TimeEstimated = m.TimeEstimated,
        BatteryV = m.BatteryV,
        Readings = [.. m.Readings],
        EventKind = m.EventKind,
        EventValue = m.EventValue,
        Status = m.Kind == MessageKind.Status ? new TagStatusFields
        {
            Online = m.Online,
            Firmware = m.Firmware,
            Rssi = m.Rssi,
            SpoolDepth = m.SpoolDepth,
            Thinned = m.Thinned,
            LifeDays = m.LifeDays,
            ReportS = m.ReportS,
            ConfigError = m.ConfigError,
            SensorError = m.SensorError,
        } : null,
    };
}
