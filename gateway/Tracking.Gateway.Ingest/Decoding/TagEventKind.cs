namespace Tracking.Gateway.Ingest.Decoding;

/// <summary>The event kinds of docs/protocol.md section 4.2.</summary>
public enum TagEventKind
{
    Shock,
    TempHigh,
    TempLow,
    BatteryLow,
}
