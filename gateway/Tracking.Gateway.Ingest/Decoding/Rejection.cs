namespace Tracking.Gateway.Ingest.Decoding;

/// <summary>A refusal: the reason and a short human detail (which field, which value).</summary>
public readonly record struct Rejection(RejectReason Reason, string Detail)
{
    public override string ToString() => $"{Reason.Label()}: {Detail}";
}
