using FsCheck;
using FsCheck.Fluent;
using Tracking.Gateway.Rules.Mkt;

namespace Tracking.Gateway.Rules.Tests.Mkt;

/// <summary>
/// Issue 12: <see cref="RollingMkt.Value"/> keeps the sums of the window's buckets before the newest one and adds the
/// newest to them, instead of summing all 96 buckets at every reading. On random runs (readings 1 s to hours apart, each
/// adding its interval and asking the value, as the evaluator does; intervals that began a bucket earlier; snapshot
/// writes of buckets; a bucket length changed; clones), the value must be exactly what a fresh copy of the buckets
/// gives (it depends on the buckets alone, not on the order things happened in, so a re-run of the window gives the
/// same MKT as data in order), and the MKT of the buckets' plain sum to within rounding.
/// </summary>
public sealed class RollingMktValuePropertyTests
{
    private static readonly Gen<Op> OpGen = Gen.Frequency(
        (12, from step in Gen.Elements(1_000L, 60_000L, 300_000L, 299_999L, 900_000L, 3_600_000L, 7_200_000L)
             from temp in Gen.Choose(-2000, 4000)
             select new Op(OpKind.Reading, step, temp / 100.0)),
        (1, from slot in Gen.Choose(0, RollingMkt.BucketCount - 1)
            from back in Gen.Choose(0, 120)
            from weight in Gen.Choose(0, 900_000)
            select new Op(OpKind.SetBucket, slot, back * 1000 + (weight / 1e6))),
        (1, Gen.Constant(new Op(OpKind.Clone, 0, 0))),
        (2, from ahead in Gen.Elements(0L, 1_000L, 900_000L, 1_800_000L, 86_400_000L)
            select new Op(OpKind.Peek, ahead, 0)),
        (1, Gen.Constant(new Op(OpKind.Length, 0, 0))));

    private static readonly Gen<Op[]> RunGen = Gen.ListOf(OpGen).Where(l => l.Count is > 0 and < 400).Select(l => l.ToArray());

    public enum OpKind
    {
        Reading,
        SetBucket,
        Clone,
        Length,

        /// <summary>The value asked at a later time than the last reading (the API's, a report's): the next interval then goes to a bucket before that time's.</summary>
        Peek,
    }

    public sealed record Op(OpKind Kind, long A, double B);

    [Fact]
    public void The_value_is_the_buckets_own_whatever_came_before()
    {
        Prop.ForAll(RunGen.ToArbitrary(), ops =>
        {
            long bucketMs = 900_000;
            var mkt = new RollingMkt(bucketMs);
            long t = 1_767_225_600_000;
            double lastTemp = 5;
            foreach (Op op in ops)
            {
                switch (op.Kind)
                {
                    case OpKind.Reading:
                        // As Evaluator.Step: the interval since the last reading counts in the bucket of its start.
                        mkt.AddFactor(t, op.A, MeanKineticTemperature.Factor(lastTemp));
                        t += op.A;
                        lastTemp = op.B;
                        break;
                    case OpKind.SetBucket:
                        long index = (t / bucketMs) - (long)Math.Floor(op.B / 1000);
                        mkt.SetBucket((int)op.A, index, 1 + (op.B % 1000 * 1e6), (1 + (op.B % 1000 * 1e6)) * MeanKineticTemperature.Factor(lastTemp));
                        break;
                    case OpKind.Clone:
                        mkt = mkt.Clone();
                        break;
                    case OpKind.Length:
                        bucketMs = bucketMs == 900_000 ? 300_000 : 900_000;
                        mkt.BucketMs = bucketMs;
                        break;
                }
                long at = op.Kind == OpKind.Peek ? t + op.A : t;
                (double value, double covered) = mkt.Value(at);
                (double fresh, double freshCovered) = mkt.Clone().Value(at);
                if (!Same(value, fresh) || covered != freshCovered)
                {
                    throw new InvalidOperationException($"at {at}: {value} over {covered} ms, a fresh copy of the buckets says {fresh} over {freshCovered} ms");
                }
                (double plain, double plainCovered) = Plain(mkt, at, bucketMs);
                if (!Close(value, plain) || Math.Abs(covered - plainCovered) > 1e-9 * Math.Max(1, plainCovered))
                {
                    throw new InvalidOperationException($"at {at}: {value} over {covered} ms, the plain sum says {plain} over {plainCovered} ms");
                }
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    /// <summary>The MKT of every bucket in the window summed, as before the sums were kept.</summary>
    private static (double Celsius, double CoveredMs) Plain(RollingMkt mkt, long nowMs, long bucketMs)
    {
        long now = Math.DivRem(nowMs, bucketMs, out long rem) - (rem < 0 ? 1 : 0);
        double weight = 0, factor = 0;
        for (int slot = 0; slot < RollingMkt.BucketCount; slot++)
        {
            (long index, double w, double f) = mkt.BucketAt(slot);
            if (index > now - RollingMkt.BucketCount && index <= now)
            {
                weight += w;
                factor += f;
            }
        }
        return (MeanKineticTemperature.FromSums(weight, factor), weight);
    }

    private static bool Same(double a, double b) => a.Equals(b); // NaN equals NaN here

    private static bool Close(double a, double b) => a.Equals(b) || Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(b));
}
