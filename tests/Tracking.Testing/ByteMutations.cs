using FsCheck;
using FsCheck.Fluent;

namespace Tracking.Testing;

/// <summary>
/// Mutations of a valid input for the decoders' totality properties (tag, simulator, provisioning): flip a byte,
/// truncate, insert a hostile piece the caller names, duplicate a span (which repeats keys as well as values).
/// </summary>
public static class ByteMutations
{
    /// <summary>Applies (kind, position, byte, insertion) edits; positions wrap to the current length.</summary>
    public static byte[] Apply(byte[] input, IEnumerable<(int Kind, int Pos, int Byte, int Insertion)> ops, byte[][] insertions)
    {
        var bytes = new List<byte>(input);
        foreach (var (kind, pos, b, ins) in ops)
        {
            int at = bytes.Count == 0 ? 0 : pos % (bytes.Count + 1);
            switch (kind)
            {
                case 0 when at < bytes.Count: bytes[at] = (byte)b; break;
                case 1: bytes.RemoveRange(at, bytes.Count - at); break;
                case 2: bytes.InsertRange(at, insertions[ins % insertions.Length]); break;
                case 3 when at < bytes.Count:
                    int n = Math.Min(1 + b % 40, bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, n));
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>One edit for <see cref="Apply"/>, over <paramref name="insertions"/> pieces and positions up to <paramref name="maxPosition"/>.</summary>
    public static Gen<(int, int, int, int)> Edit(int insertions, int maxPosition) =>
        from kind in Gen.Choose(0, 3)
        from pos in Gen.Choose(0, maxPosition)
        from b in Gen.Choose(0, 255)
        from ins in Gen.Choose(0, insertions - 1)
        select (kind, pos, b, ins);
}
