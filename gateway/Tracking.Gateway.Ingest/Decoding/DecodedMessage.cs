namespace Tracking.Gateway.Ingest.Decoding;

/// <summary>
/// A validated message. One instance is reused by a decoder for every message (no per-message garbage), so its
/// content is only valid until the next decode. Absent optional numbers are NaN (floats, also for JSON null) or null (integers).
/// </summary>
public sealed class DecodedMessage
{
    public const int MaxReadings = SensorLimits.MaxReadingsPerBatch;

    public MessageKind Kind { get; internal set; }
    public long Boot { get; internal set; }
    public long Seq { get; internal set; }

    /// <summary>Telemetry: Unix ms of the first reading (from t0, or arrival time minus a0). Event: its time.</summary>
    public long TimeMs { get; internal set; }

    /// <summary>False when the tag's clock was unsynced and the time is derived from the arrival time (a0).</summary>
    public bool ClockSynced { get; internal set; }

    /// <summary><c>"t_est":true</c>: the times are estimates, earlier in truth by an unknown off time (protocol.md 7.3).</summary>
    public bool TimeEstimated { get; internal set; }

    public double BatteryV { get; internal set; } = double.NaN;

    internal Reading[] ReadingBuffer { get; } = new Reading[MaxReadings];
    public int ReadingCount { get; internal set; }
    public ReadOnlySpan<Reading> Readings => ReadingBuffer.AsSpan(0, ReadingCount);

    public TagEventKind EventKind { get; internal set; }
    /// <summary>Event value: peak g of a shock, temperature of temp_high/low, battery volts of battery_low (NaN if absent).</summary>
    public double EventValue { get; internal set; } = double.NaN;

    /// <summary>Status topic, empty payload: the tag was removed (protocol.md section 9). Not a reading: nothing to store.</summary>
    public bool TagRemoved { get; internal set; }

    public bool Online { get; internal set; }
    public string? Firmware { get; internal set; }
    public long? Rssi { get; internal set; }
    public long? SpoolDepth { get; internal set; }
    public long? Thinned { get; internal set; }
    public long? LifeDays { get; internal set; }
    public long? ReportS { get; internal set; }
    public long? Wakes { get; internal set; }
    public long? RadioMs { get; internal set; }
    public long? EventsDropped { get; internal set; }
    public string? ConfigError { get; internal set; }

    /// <summary>Status <c>sensor_err</c>: the tag's last hardware fault (sensor, accelerometer, settings file).</summary>
    public string? SensorError { get; internal set; }

    internal void Reset(MessageKind kind)
    {
        Kind = kind;
        Boot = -1;
        Seq = -1;
        TimeMs = 0;
        ClockSynced = true;
        TimeEstimated = false;
        BatteryV = double.NaN;
        ReadingCount = 0;
        EventKind = default;
        EventValue = double.NaN;
        Online = false;
        TagRemoved = false;
        Firmware = ConfigError = SensorError = null;
        Rssi = SpoolDepth = Thinned = LifeDays = ReportS = Wakes = RadioMs = EventsDropped = null;
    }
}
