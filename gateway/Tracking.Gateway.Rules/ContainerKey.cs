namespace Tracking.Gateway.Rules;

/// <summary>A container as the rules know it: its fleet and its ISO 6346 number (docs/protocol.md section 2).</summary>
public readonly record struct ContainerKey(string Fleet, string Container)
{
    public override string ToString() => $"{Fleet}/{Container}";
}
