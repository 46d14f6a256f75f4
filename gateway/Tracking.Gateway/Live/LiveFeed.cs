using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Live;

/// <summary>
/// Feeds the API's live view (<see cref="LiveBoard"/>: the fleet list and the stream) from a spool reader of its own
/// ("live"), so the list and the stream keep up while InfluxDB is down and never wait for the rules. Telemetry gives the
/// latest reading, status messages the tag status (docs/protocol.md 4.3), events only "last seen". Delivery is at least
/// once: a message handed again changes nothing in the view (newest wins) but is streamed again after a crash.
/// </summary>
public sealed class LiveFeed(LiveBoard board) : ISpoolConsumer
{
    public const string ReaderName = "live";

    // One ConsumerStage calls at a time, so one buffer serves every message (a batch holds at most 64 readings).
    private LiveReading[] _readings = new LiveReading[64];

    public string Name => ReaderName;

    public ValueTask ConsumeAsync(IReadOnlyList<TagMessage> messages, CancellationToken ct)
    {
        foreach (TagMessage m in messages)
        {
            var key = new ContainerKey(m.Fleet, m.Container);
            switch (m.Kind)
            {
                case MessageKind.Telemetry:
                    if (m.Readings.Length > _readings.Length) _readings = new LiveReading[m.Readings.Length];
                    for (int i = 0; i < m.Readings.Length; i++)
                    {
                        Reading r = m.Readings[i];
                        _readings[i] = new LiveReading(m.ReadingTimeMs(i), r.TemperatureC, r.HumidityPct, r.PressureHpa, r.PeakG);
                    }
                    board.ApplyReadings(key, m.Tag, m.ArrivalMs, _readings.AsSpan(0, m.Readings.Length));
                    break;
                case MessageKind.Status:
                    board.ApplyStatus(key, m.Tag, new LiveTagStatus(m.ArrivalMs, m.Online, m.BatteryV, m.Rssi, m.SpoolDepth, m.Firmware, m.ReportS));
                    break;
                case MessageKind.Event:
                    board.ApplySeen(key, m.Tag, m.ArrivalMs);
                    break;
            }
        }
        return ValueTask.CompletedTask;
    }
}
