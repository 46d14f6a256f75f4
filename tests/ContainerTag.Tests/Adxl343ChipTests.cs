using ContainerTag.Core.Hardware;
using ContainerTag.Tests.Fakes;
using Xunit;

namespace ContainerTag.Tests;

/// <summary>Core's ADXL343 programming against the simulated register file (issue 10: shock wake never armed).</summary>
public class Adxl343ChipTests
{
    [Fact]
    public void Arming_writes_the_activity_registers_of_the_datasheet()
    {
        var sim = new SimulatedAdxl343();
        var chip = new Adxl343Chip(sim);
        Assert.True(chip.Configure());
        Assert.True(chip.ArmActivityWake(4.0));

        Assert.Equal(64, sim.Registers[0x24]);   // THRESH_ACT: 4 g / 62.5 mg
        Assert.Equal(0xF0, sim.Registers[0x27]); // ACT_INACT_CTL: AC, X Y Z
        Assert.Equal(0x00, sim.Registers[0x2F]); // INT_MAP: all on INT1
        Assert.Equal(0x10, sim.Registers[0x2E]); // INT_ENABLE: Activity only
        Assert.Equal(0x0B, sim.Registers[0x31]); // DATA_FORMAT: full res, 16 g
        Assert.Equal(0x1A, sim.Registers[0x2C]); // BW_RATE: low power, 100 Hz
        Assert.Equal(0x08, sim.Registers[0x2D]); // POWER_CTL: measure
        // The binding's wrong targets stay untouched: TAP_AXES (0x2A) is never written.
        Assert.DoesNotContain(sim.Writes, w => w.Register == 0x2A);
        // INT_ENABLE goes on last, after the function is configured.
        Assert.Equal((byte)0x2E, sim.Writes[^1].Register);
    }

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.03, 1)]
    [InlineData(1.0, 16)]
    [InlineData(2.5, 40)]
    [InlineData(15.9375, 255)]
    [InlineData(100.0, 255)]
    [InlineData(double.NaN, 1)]
    public void Threshold_code_rounds_to_62_5_mg_within_the_register(double g, int code) =>
        Assert.Equal(code, Adxl343Chip.ThresholdCode(g));

    [Fact]
    public void A_jolt_latches_INT1_until_INT_SOURCE_is_read()
    {
        var sim = new SimulatedAdxl343();
        var chip = new Adxl343Chip(sim);
        chip.Configure();
        chip.ArmActivityWake(2.0);
        sim.Jolt(1.0);
        Assert.False(sim.Int1High);
        sim.Jolt(3.0);
        Assert.True(sim.Int1High);
        Assert.True(sim.Int1High); // latched: stays high with no further motion

        int source = chip.ClearLatched();
        Assert.Equal(0x10, source & 0x10);
        Assert.False(sim.Int1High);
    }

    /// <summary>ext0 wakes at once while INT1 is high: the wakes that follow one jolt, over at most 10 sleeps.</summary>
    private static int ImmediateWakesAfterOneJolt(Action<SimulatedAdxl343> eachWake)
    {
        var sim = new SimulatedAdxl343();
        var chip = new Adxl343Chip(sim);
        chip.Configure();
        chip.ArmActivityWake(2.0);
        sim.Jolt(5.0);
        int immediateWakes = 0;
        while (sim.Int1High && immediateWakes < 10)
        {
            immediateWakes++;
            eachWake(sim);
        }
        return immediateWakes;
    }

    [Fact]
    public void The_wake_clears_the_latch_so_one_shock_is_one_wake()
    {
        int wakes = ImmediateWakesAfterOneJolt(sim =>
        {
            var chip = new Adxl343Chip(sim); // a new process after every wake
            chip.ClearLatched();
            chip.Configure();
            chip.ArmActivityWake(2.0);
        });
        Assert.Equal(1, wakes);
    }

    [Fact]
    public void Re_arming_without_reading_INT_SOURCE_loops_forever()
    {
        // Writes only (what the binding's setters do, were their addresses right): INT1 never drops.
        int wakes = ImmediateWakesAfterOneJolt(sim =>
        {
            sim.Write(Adxl343Chip.ThreshAct, Adxl343Chip.ThresholdCode(2.0));
            sim.Write(Adxl343Chip.ActInactCtl, Adxl343Chip.ActivityAcXyz);
            sim.Write(Adxl343Chip.IntMap, 0);
            sim.Write(Adxl343Chip.IntEnable, Adxl343Chip.ActivityBit);
        });
        Assert.Equal(10, wakes);
    }

    [Fact]
    public void The_bindings_register_addresses_never_arm_the_activity_interrupt()
    {
        // ADXL343.cs (IoT.Device af649c03e): ActInactCtl -> 0x2A, InterruptEnable -> 0x2F, InterruptMap -> 0x2E.
        var sim = new SimulatedAdxl343();
        new Adxl343Chip(sim).Configure();
        sim.Write(Adxl343Chip.ThreshAct, Adxl343Chip.ThresholdCode(2.0));
        sim.Write(0x2A, Adxl343Chip.ActivityAcXyz);
        sim.Write(0x2E, 0x00);                     // the map, all on INT1, lands in INT_ENABLE
        sim.Write(0x2F, Adxl343Chip.ActivityBit); // the enable lands in INT_MAP
        sim.Jolt(10.0);
        Assert.False(sim.Int1High);
    }

    [Fact]
    public void A_missing_chip_is_reported_not_thrown()
    {
        var sim = new SimulatedAdxl343 { Present = false };
        var chip = new Adxl343Chip(sim);
        Assert.False(chip.IsPresent());
        Assert.False(chip.Configure());
        Assert.False(chip.ArmActivityWake(4.0));
        Assert.Equal(-1, chip.ClearLatched());
        Assert.False(chip.ReadCounts(out _, out _, out _));
    }

    [Fact]
    public void Samples_decode_as_signed_little_endian_counts()
    {
        var sim = new SimulatedAdxl343 { Sample = (-300, 12, 256) };
        Assert.True(new Adxl343Chip(sim).ReadCounts(out int x, out int y, out int z));
        Assert.Equal((-300, 12, 256), (x, y, z));
    }
}
