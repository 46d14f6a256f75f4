using ContainerTag.Core.Protocol;

namespace TagSimulator.Fleet;

/// <summary>Deterministic, distinct ISO 6346 container numbers (owner code + U + serial + check digit).</summary>
public static class ContainerIds
{
    public static string[] Generate(int seed, int count)
    {
        var rng = new Random(seed);
        var owners = new string[Math.Max(1, count / 50 + 1)];
        for (int i = 0; i < owners.Length; i++)
        {
            owners[i] = new string([Letter(rng), Letter(rng), Letter(rng)]);
        }
        var ids = new string[count];
        var seen = new HashSet<string>();
        for (int i = 0; i < count; i++)
        {
            string id;
            do
            {
                string prefix = owners[rng.Next(owners.Length)] + "U" + rng.Next(0, 1_000_000).ToString("D6");
                id = prefix + TagIdentity.Iso6346CheckDigit(prefix);
            } while (!seen.Add(id));
            ids[i] = id;
        }
        return ids;
    }

    private static char Letter(Random rng) => (char)('A' + rng.Next(26));
}
