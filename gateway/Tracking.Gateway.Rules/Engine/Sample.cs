namespace Tracking.Gateway.Rules.Engine;

/// <summary>One reading in a stream's window: what the band and MKT rules need, 32 bytes, no references.</summary>
internal struct Sample
{
    public long TimeMs;
    public uint Boot;
    public uint Seq;
    public double TempC;
    public double RhPct;

    public readonly ulong Key => ((ulong)Boot << 32) | Seq;
}
