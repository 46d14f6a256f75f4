using ContainerTag.Core.Control;
using ContainerTag.Core.Energy;
using ContainerTag.Core.Hardware;
using ContainerTag.Core.Protocol;
using ContainerTag.Core.Storage;
using ContainerTag.Tests.Fakes;
using Xunit;

namespace ContainerTag.Tests;

public class IdentityTests
{
    [Theory]
    [InlineData("CSQU3054383", true)]   // the worked example of docs/protocol.md
    [InlineData("MSKU9070323", true)]
    [InlineData("TGHU6183544", true)]
    [InlineData("CSQU3054384", false)]  // wrong check digit
    [InlineData("csqu3054383", false)]  // lower case
    [InlineData("CSQ3054383", false)]
    [InlineData("CSQU305438X", false)]
    [InlineData("", false)]
    public void Container_ids_follow_ISO_6346(string id, bool valid)
    {
        Assert.Equal(valid, TagIdentity.IsValidContainer(id));
    }

    [Fact]
    public void Check_digit_of_the_worked_example()
    {
        Assert.Equal(3, TagIdentity.Iso6346CheckDigit("CSQU305438"));
        // a remainder of 10 gives check digit 0
        var remainderTen = Enumerable.Range(0, 1_000_000).Select(n => "AAAU" + n.ToString("D6"))
            .First(s => Sum(s) % 11 == 10);
        Assert.Equal(0, TagIdentity.Iso6346CheckDigit(remainderTen));
    }

    private static int Sum(string s)
    {
        var letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        int[] values = [10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37, 38];
        return s.Select((c, i) => (char.IsDigit(c) ? c - '0' : values[letters.IndexOf(c)]) << i).Sum();
    }

    [Theory]
    [InlineData("fleet-1_A", true)]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("slash/no", false)]
    [InlineData("plus+no", false)]
    [InlineData("wild#", false)]
    public void Fleet_and_tag_ids(string id, bool valid)
    {
        Assert.Equal(valid, TagIdentity.IsValidId(id));
        Assert.False(TagIdentity.IsValidId(new string('a', 65)));
        Assert.True(TagIdentity.IsValidId(new string('a', 64)));
    }

    [Fact]
    public void Topics_and_the_non_iso_flag()
    {
        var id = new TagIdentity("f", "CSQU3054383", "t", false);
        Assert.Equal("tracking/v1/f/CSQU3054383/alert", id.AlertTopic);
        Assert.Equal("tracking/v1/f/CSQU3054383/t/config", id.ConfigTopic);
        Assert.Throws<ArgumentException>(() => new TagIdentity("f", "TRAILER-12", "t", false));
        Assert.Equal("tracking/v1/f/TRAILER-12/t/event", new TagIdentity("f", "TRAILER-12", "t", true).EventTopic);
        Assert.Throws<ArgumentException>(() => new TagIdentity("f", "bad/id", "t", true));
    }
}

public class EnergyTests
{
    [Fact]
    public void State_of_charge_follows_the_curve()
    {
        Assert.Equal(1.0, BatteryModel.StateOfCharge(4.25));
        Assert.Equal(0.5, BatteryModel.StateOfCharge(3.80), 3);
        Assert.Equal(0.41, BatteryModel.StateOfCharge(3.75), 3);
        Assert.Equal(0.0, BatteryModel.StateOfCharge(3.0));
        Assert.True(double.IsNaN(BatteryModel.StateOfCharge(double.NaN)));
    }

    [Fact]
    public void Average_current_and_life_for_the_default_duty_cycle()
    {
        // sleep 55.1 uA + 288 wakes/day x 150 ms x 40 mA + 24 reports/day x 4 s x 160 mA
        var ma = BatteryModel.AverageCurrentMa(300, 3600, 150, 4000);
        var expected = 0.0551 + 150.0 / 1000 * 40 / 300 + 4.0 * 160 / 3600;
        Assert.Equal(expected, ma, 6);
        Assert.InRange(ma, 0.25, 0.27);
        var model = new BatteryModel(3400);
        Assert.Equal((int)(3400 * 0.78 / ma / 24), model.LifeDays(4.0, ma));
        Assert.Equal(-1, model.LifeDays(double.NaN, ma));
        // longer report interval, longer life
        Assert.True(model.LifeDays(4.0, BatteryModel.AverageCurrentMa(300, 14400, 150, 4000)) > model.LifeDays(4.0, ma));
    }

    [Fact]
    public void Consumed_charge_counts_radio_above_cpu()
    {
        // one hour asleep, 10 s awake of which 4 s radio
        var mah = BatteryModel.ConsumedMah(3_600_000, 10_000, 4_000);
        Assert.Equal(EnergyConstants.SleepTotalMa + (10 * 40.0 + 4 * 120.0) / 3600, mah, 9);
    }

    [Fact]
    public void Report_interval_stretches_on_low_battery_or_short_life()
    {
        var cfg = new TagConfig();
        Assert.Equal(3600, TagController.EffectiveReportS(cfg, 3.9, 400));
        Assert.Equal(14400, TagController.EffectiveReportS(cfg, 3.3, 400));
        Assert.Equal(7200, TagController.EffectiveReportS(cfg, 3.6, 20));
        cfg.ReportS = 43200;
        Assert.Equal(86400, TagController.EffectiveReportS(cfg, 3.3, 400));
        cfg.ReportS = 604800;
        Assert.Equal(604800, TagController.EffectiveReportS(cfg, 3.3, 400));
    }
}

public class ShockTests
{
    [Fact]
    public void Threshold_and_debounce()
    {
        Assert.False(ShockDetector.IsShockEvent(3.99, 4.0, 1000, TagState.None, 60_000));
        Assert.True(ShockDetector.IsShockEvent(4.0, 4.0, 1000, TagState.None, 60_000));
        Assert.False(ShockDetector.IsShockEvent(9.0, 4.0, 59_999, 0, 60_000));
        Assert.True(ShockDetector.IsShockEvent(9.0, 4.0, 60_000, 0, 60_000));
        Assert.False(ShockDetector.IsShockEvent(double.NaN, 4.0, 60_000, TagState.None, 60_000));
    }

    [Theory]
    [InlineData(6.4, true, 640)]
    [InlineData(27.71, true, 2771)]
    [InlineData(40.0, true, 2772)]      // saturated
    [InlineData(-0.1, false, 0)]
    [InlineData(double.NaN, false, 0)]
    public void Peak_conversion(double g, bool ok, int centi)
    {
        Assert.Equal(ok, TagController.ToPeakCenti(g, out var c));
        Assert.Equal(centi, c);
    }
}

public class JournalTests
{
    [Fact]
    public void A_complete_journal_is_replayed_and_an_incomplete_one_dropped()
    {
        var storage = new CrashingStorage();
        storage.Write("a", [1, 2, 3], 0, 3);
        storage.Write("b", [4], 0, 1);
        var journal = new StorageJournal(storage, "jr.test");
        journal.Begin();
        journal.AddWrite("a", [9, 9], 0, 2);
        journal.AddDelete("b");
        storage.Mutations = 0;
        storage.MutationsBeforeCrash = 1;   // the journal is written, then the power fails
        Assert.Throws<IOException>(journal.Commit);
        storage.MutationsBeforeCrash = int.MaxValue;
        Assert.True(new StorageJournal(storage, "jr.test").Recover());
        Assert.Equal(2, storage.GetSize("a"));
        Assert.Equal(-1, storage.GetSize("b"));
        Assert.Equal(-1, storage.GetSize("jr.test"));

        // a torn journal (power cut while writing it) changes nothing
        var torn = new MemoryStorage();
        torn.Write("a", [1, 2, 3], 0, 3);
        var j2 = new StorageJournal(torn, "jr.test");
        j2.Begin();
        j2.AddDelete("a");
        j2.Commit();
        torn.Write("a", [1, 2, 3], 0, 3);
        torn.Write("jr.test", [0x54, 0x4A, 0, 0, 1], 0, 5);
        Assert.False(new StorageJournal(torn, "jr.test").Recover());
        Assert.Equal(3, torn.GetSize("a"));
    }

    [Fact]
    public void State_slots_survive_a_torn_write()
    {
        var storage = new MemoryStorage();
        var store = new StateStore(storage);
        var state = new TagState { Initialized = true, Boot = 7, NextSeq = 42 };
        store.Save(state);
        state.NextSeq = 43;
        store.Save(state);
        // tear the newer slot
        var newest = storage.GetSize("st.b") > 0 ? "st.b" : "st.a";
        var bytes = new byte[storage.GetSize(newest)];
        storage.Read(newest, 0, bytes, 0, bytes.Length);
        storage.Write(newest, bytes, 0, bytes.Length / 2);
        var loaded = new TagState();
        Assert.True(new StateStore(storage).Load(loaded));
        Assert.Equal((7L, 42L), (loaded.Boot, loaded.NextSeq));
    }
}
