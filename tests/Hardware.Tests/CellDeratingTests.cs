using Tracking.Hardware;
using Xunit;

namespace Hardware.Tests;

public class CellDeratingTests
{
    [Fact]
    public void Capacity_interpolates_the_curve_and_is_held_flat_outside_it()
    {
        Assert.Equal(1.0, CellDerating.CapacityFraction(25), 6);
        Assert.Equal(1.0, CellDerating.CapacityFraction(40), 6);
        Assert.Equal(0.60, CellDerating.CapacityFraction(-30), 6);
        Assert.Equal((0.88 + 0.95) / 2, CellDerating.CapacityFraction(5), 6);
        Assert.Equal(0.63, CellDerating.CapacityFraction(-18), 6);
    }

    [Fact]
    public void A_frozen_profile_lasts_far_less_than_a_chilled_one_and_self_discharge_shortens_both()
    {
        double load = 6.07; // mAh/day, the default duty cycle
        double chilled = CellDerating.LifeDays(3000, load, 5);
        double frozen = CellDerating.LifeDays(3000, load, -18);
        Assert.True(frozen < chilled * 0.75, $"{frozen} vs {chilled}");
        Assert.True(CellDerating.LifeDays(3000, load, 25) < 3000 / load);
        // with no load only self-discharge remains: 2.5 % a month empties a full cell in 40 months
        Assert.Equal(1200, CellDerating.LifeDays(3000, 0, 25), 6);
    }
}
