namespace Tracking.Gateway.Rules.Engine;

/// <summary>A counted shock event: its (boot, event seq) key for dedupe, its device time and g.</summary>
internal sealed class ShockRecord
{
    public ulong Key;
    public long TimeMs;
    public double G;
}
