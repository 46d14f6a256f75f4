namespace Tracking.Testing.Contract;

/// <summary>
/// A container level. <paramref name="Error"/> and <paramref name="NonIsoError"/> are names of
/// ContainerTag.Core.Protocol.IdError: the rule broken with the non-ISO flag off (the default) and on.
/// </summary>
public sealed record ContainerVector(string Id, string Error, string NonIsoError, string Note)
{
    public override string ToString() => $"container {Printable.Of(Id)} ({Note})";
}
