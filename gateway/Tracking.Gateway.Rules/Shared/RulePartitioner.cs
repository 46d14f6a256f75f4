using System.Text;

namespace Tracking.Gateway.Rules.Shared;

/// <summary>
/// The partition of a container: FNV-1a (32 bit) of its UTF-8 "fleet/container", modulo the partition count. Stable
/// across processes, machines and versions (string.GetHashCode is randomised per process), because every gateway must
/// put a container in the same partition and the log keeps the partition of each row. A container's tags are one
/// partition: evaluation is per tag, but a container's profile and state are one snapshot.
/// </summary>
public static class RulePartitioner
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    public static int PartitionOf(ContainerKey container, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return (int)(Hash(container) % (uint)partitions);
    }

    /// <summary>The 32-bit FNV-1a hash of the container's UTF-8 "fleet/container" (separator included, so ("a", "bc") and ("ab", "c") differ).</summary>
    public static uint Hash(ContainerKey container)
    {
        uint hash = OffsetBasis;
        hash = Add(hash, container.Fleet);
        hash = (hash ^ '/') * Prime;
        return Add(hash, container.Container);
    }

    private static uint Add(uint hash, string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> bytes = max <= 256 ? stackalloc byte[max] : new byte[max];
        int n = Encoding.UTF8.GetBytes(text, bytes);
        foreach (byte b in bytes[..n]) hash = (hash ^ b) * Prime;
        return hash;
    }
}
