namespace Tracking.Gateway.Api.Live;

/// <summary>
/// A tag's status message (docs/protocol.md 4.3) as the live view takes it; <paramref name="ArrivalMs"/> is the gateway's
/// time of arrival, <paramref name="BatteryV"/> NaN when absent, the others null when absent.
/// </summary>
public readonly record struct LiveTagStatus(long ArrivalMs, bool Online, double BatteryV, long? Rssi, long? SpoolDepth, string? Firmware,
    long? ReportS);
