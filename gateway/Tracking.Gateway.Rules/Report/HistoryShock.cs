namespace Tracking.Gateway.Rules.Report;

/// <summary>One `shock` point: the event's device time (Unix ms), its (boot, event seq) and peak g.</summary>
public readonly record struct HistoryShock(string Tag, long TimeMs, uint Boot, uint Seq, double G);
