using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Rules.Mkt;

namespace Tracking.Gateway.Rules.Tests.Mkt;

/// <summary>
/// Issue 12: <see cref="RollingMkt.AddFactor"/> finds the bucket of an interval in the same bucket as the last one without
/// dividing by the bucket length. On random runs of intervals (in time order with steps within and across buckets, jumps
/// back and far ahead, negative times, bucket lengths of 1 ms to a day, a length changed in the middle, clones), every
/// bucket must hold what the division puts there: its index and both sums, exactly.
/// </summary>
public sealed class RollingMktBucketPropertyTests
{
    private static readonly Gen<long> Step = Gen.Frequency(
        (6, Gen.Choose(0, 1000).Select(v => (long)v)),
        (3, Gen.Choose(0, 3_600_000).Select(v => (long)v)),
        (1, Gen.Choose(-100_000_000, 100_000_000).Select(v => (long)v * 1000)));

    private static readonly Gen<Case> CaseGen =
        from bucketMs in Gen.Elements(1L, 7L, 1000L, 900_000L, 86_400_000L)
        from start in Gen.Choose(-1_000_000, 1_000_000).Select(v => (long)v * 1_000_000)
        from steps in Gen.ListOf(Step).Where(l => l.Count is > 0 and < 300)
        from changeAt in Gen.Choose(-1, 299)
        from cloneAt in Gen.Choose(-1, 299)
        select new Case(bucketMs, start, [.. steps], changeAt, cloneAt);

    public sealed record Case(long BucketMs, long Start, long[] Steps, int ChangeAt, int CloneAt);

    [Fact]
    public void Every_bucket_holds_what_the_division_puts_there()
    {
        Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            var mkt = new RollingMkt(c.BucketMs);
            var model = new (long Index, double Weight, double Factor)[RollingMkt.BucketCount];
            Array.Fill(model, (long.MinValue, 0, 0));
            long bucketMs = c.BucketMs;
            long t = c.Start;
            for (int i = 0; i < c.Steps.Length; i++)
            {
                if (i == c.ChangeAt)
                {
                    // A length read back from a snapshot, after intervals of another: the buckets are then the new length's.
                    bucketMs = bucketMs == 7 ? 1000 : 7;
                    mkt.BucketMs = bucketMs;
                }
                if (i == c.CloneAt) mkt = mkt.Clone();
                t += c.Steps[i];
                double weight = 1 + (i % 5), factor = 1e-4 * (1 + (i % 3));
                mkt.AddFactor(t, weight, factor);

                long index = Math.DivRem(t, bucketMs, out long rem) - (rem < 0 ? 1 : 0);
                int slot = (int)(((index % RollingMkt.BucketCount) + RollingMkt.BucketCount) % RollingMkt.BucketCount);
                if (model[slot].Index != index) model[slot] = (index, 0, 0);
                model[slot] = (index, model[slot].Weight + weight, model[slot].Factor + (weight * factor));
                for (int s = 0; s < RollingMkt.BucketCount; s++)
                {
                    if (mkt.BucketAt(s) != model[s]) throw new InvalidOperationException($"after interval {i} at {t} (bucket {bucketMs} ms): slot {s} holds {mkt.BucketAt(s)}, the division says {model[s]}");
                }
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
