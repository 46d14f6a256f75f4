using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Tests.Profiles;

/// <summary>Every preset is valid; each broken profile is refused with its reason.</summary>
public sealed class ProfileValidatorTests
{
    private static readonly Band Good = new() { Metric = Metric.TemperatureC, Kind = BandKind.Upper, Limit = 8, Delay = TimeSpan.FromMinutes(30) };

    [Fact]
    public void Every_preset_is_valid_and_named_as_found()
    {
        foreach (Profile preset in ProfilePresets.All)
        {
            Assert.Empty(ProfileValidator.Validate(preset));
            Assert.Same(preset, ProfilePresets.Find(preset.Name));
        }
        Assert.Equal(["pharma_2_8", "crt_15_25", "crt_20_25", "frozen", "chilled_produce", "dry_goods"], ProfilePresets.All.Select(p => p.Name));
        Assert.Equal((8, TimeSpan.FromHours(24)), (ProfilePresets.Pharma2To8.MktLimitC, ProfilePresets.Pharma2To8.MktWindow!.Value));
        Assert.Equal((25, TimeSpan.FromDays(30)), (ProfilePresets.Crt20To25.MktLimitC, ProfilePresets.Crt20To25.MktWindow!.Value));
        Assert.Null(ProfilePresets.Find("nope"));
    }

    public static TheoryData<string, Profile, string> Broken => new()
    {
        { "upper-case name", new Profile { Name = "Pharma" }, "name 'Pharma'" },
        { "empty name", new Profile { Name = "" }, "name ''" },
        { "long name", new Profile { Name = new string('a', 65) }, "must match" },
        { "delay over 800 h", With(Good with { Delay = TimeSpan.FromHours(800.01) }), "delay must be between 0 s and 800 h" },
        { "negative delay", With(Good with { Delay = TimeSpan.FromSeconds(-1) }), "delay must be between" },
        { "NaN limit", With(Good with { Limit = double.NaN }), "limit must be finite" },
        { "infinite limit", With(Good with { Limit = double.PositiveInfinity }), "limit must be finite" },
        { "dual low = high", With(new Band { Metric = Metric.TemperatureC, Kind = BandKind.Dual, Low = 8, High = 8 }), "low (8) must be below high (8)" },
        { "dual NaN", With(new Band { Metric = Metric.TemperatureC, Kind = BandKind.Dual, Low = double.NaN, High = 8 }), "low and high must be finite" },
        { "negative hysteresis", With(Good with { Hysteresis = -0.1 }), "hysteresis" },
        { "cumulative over 800 h", With(Good with { Cumulative = TimeSpan.FromHours(801) }), "cumulative" },
        { "same band twice", new Profile { Name = "p", Bands = [Good, Good] }, "a second band temp_c_upper_8" },
        { "seven upper bands", new Profile { Name = "p", Bands = [.. Enumerable.Range(1, 7).Select(i => Good with { Limit = i })] }, "at most 6 upper" },
        { "shock too high", new Profile { Name = "p", ShockG = 30 }, "shock_g" },
        { "MKT limit without window", new Profile { Name = "p", MktLimitC = 8 }, "needs mkt_window" },
        { "MKT limit NaN", new Profile { Name = "p", MktLimitC = double.NaN, MktWindow = TimeSpan.FromHours(24) }, "mkt_limit_c must be finite" },
        { "zero silence", new Profile { Name = "p", Silence = TimeSpan.Zero }, "silence" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Broken_profiles_are_refused_with_the_reason(string name, Profile profile, string reason)
    {
        IReadOnlyList<string> reasons = ProfileValidator.Validate(profile);
        Assert.True(reasons.Any(r => r.Contains(reason, StringComparison.Ordinal)), $"{name}: {string.Join("; ", reasons)}");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(800.0)]
    public void Delays_of_0_s_and_800_h_are_allowed(double hours) =>
        Assert.Empty(ProfileValidator.Validate(With(Good with { Delay = TimeSpan.FromHours(hours) })));

    private static Profile With(Band band) => new() { Name = "p", Bands = [band] };
}
