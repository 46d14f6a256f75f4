using Tracking.Gateway.Rules.Engine;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Tests.Engine;

/// <summary>The evaluation step allocates nothing per reading (bands, MKT sums and buckets, effects into a reused list).</summary>
public sealed class EvaluatorAllocationTests
{
    [Fact]
    public void Stepping_readings_allocates_nothing()
    {
        Profile profile = ProfilePresets.ChilledProduce with { MktLimitC = 8, MktWindow = TimeSpan.FromHours(24) };
        EvalState state = Evaluator.NewState(profile);
        List<Effect> effects = new(capacity: 4096);
        Sample[] samples = [.. Enumerable.Range(0, 2000).Select(i => new Sample
        {
            TimeMs = i * 300_000L, Boot = 1, Seq = (uint)i, TempC = 2 + (6 * Math.Sin(i / 20.0)), RhPct = 90 + (8 * Math.Cos(i / 30.0)),
        })];
        for (int i = 0; i < 100; i++) Evaluator.Step(state, samples[i], profile, effects); // warm up (JIT, statics)

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 100; i < samples.Length; i++) Evaluator.Step(state, samples[i], profile, effects);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.NotEmpty(effects);
        Assert.Equal(0, allocated);
    }
}
