namespace Tracking.Gateway.Rules.Report;

/// <summary>
/// One `env` point as InfluxDB holds it (docs/protocol.md section 10): device time in Unix ms, absent values NaN,
/// <see cref="Estimated"/> for <c>t_est</c> readings (their true time is unknown).
/// </summary>
public readonly record struct HistoryReading(
    string Tag, long TimeMs, uint Boot, uint Seq, double TempC, double RhPct, double PressureHpa, bool Estimated = false);
