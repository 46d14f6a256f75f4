using ContainerTag.Core.Control;
using ContainerTag.Core.Hardware;
using ContainerTag.Core.Protocol;
using ContainerTag.Core.Storage;
using Xunit;

namespace ContainerTag.Tests;

/// <summary>
/// More escapes <see cref="DecoderTotalityTests"/> found in the flash decoders (state slots, records, journal), one
/// example each; <see cref="DecoderRegressionTests"/> has the others.
/// </summary>
public class FlashDecoderRegressionTests
{
    private static byte[] StateBody(Action<TagState> change)
    {
        var state = new TagState { Initialized = true, Boot = 3, NextSeq = 42 };
        change(state);
        var s = new ByteStream(64);
        state.WriteTo(s);
        return s.Buffer[..s.Position];
    }

    private static bool Load(byte[] slot, out TagState state)
    {
        var storage = new MemoryStorage();
        storage.Write("st.a", slot, 0, slot.Length);
        state = new TagState();
        return new StateStore(storage).Load(state);
    }

    [Fact]
    public void A_state_slot_holding_an_unknown_event_kind_is_a_fresh_boot_not_a_crash_when_the_event_is_sent()
    {
        // EventEncoder writes the kind's value field name; for an unknown kind that was null and threw
        byte[] slot = DecoderTotalityTests.Slot(StateBody(s => s.PendingEvents.Add(new TagEvent { Boot = 3, Seq = 1, Kind = 9 })));
        Assert.False(Load(slot, out _));

        byte[] known = DecoderTotalityTests.Slot(StateBody(s => s.PendingEvents.Add(new TagEvent { Boot = 3, Seq = 1, Kind = EventKind.BatteryLow })));
        Assert.True(Load(known, out TagState loaded));
        Assert.Equal(EventKind.BatteryLow, ((TagEvent)loaded.PendingEvents[0]!).Kind);
    }

    [Fact]
    public void A_state_slot_holding_an_out_of_range_config_is_a_fresh_boot()
    {
        // a sample interval of 0 passed the CRC and would have had the tag sample on every wake forever
        byte[] slot = DecoderTotalityTests.Slot(StateBody(s => s.Config.SampleS = 0));
        Assert.False(Load(slot, out _));
        byte[] nan = DecoderTotalityTests.Slot(StateBody(s => s.Config.TempLowC = double.NaN));
        Assert.False(Load(nan, out _));
    }

    [Fact]
    public void A_state_slot_with_an_unknown_excursion_kind_or_negative_failures_is_a_fresh_boot()
    {
        Assert.False(Load(DecoderTotalityTests.Slot(StateBody(s => s.ExcursionKind = 7)), out _));
        Assert.False(Load(DecoderTotalityTests.Slot(StateBody(s => s.Failures = -1)), out _));
        Assert.True(Load(DecoderTotalityTests.Slot(StateBody(s => s.ExcursionKind = EventKind.TempHigh)), out _));
    }

    [Fact]
    public void A_spool_record_with_a_matching_crc_but_a_value_outside_the_wire_range_is_corrupt()
    {
        Reading r = EncoderTests.MakeReading(3, 1, 1_732_600_000_000, 4, 50, 1000, 0.1);
        var b = new byte[Reading.RecordSize];
        r.Encode(b, 0);
        Assert.True(new Reading().Decode(b, 0, 3));
        ByteCodec.PutU16(b, 12, 65535); // humidity 6553.5 %
        b[19] = ByteCodec.Crc8(b, 0, 19);
        Assert.False(new Reading().Decode(b, 0, 3));

        r.Encode(b, 0);
        ByteCodec.PutU16(b, 16, Limits.PeakMaxCentiG + 1);
        b[19] = ByteCodec.Crc8(b, 0, 19);
        Assert.False(new Reading().Decode(b, 0, 3));
    }

    private static byte[] Journal(Action<ByteStream> body)
    {
        var s = new ByteStream(64);
        body(s);
        s.WriteU32(ByteCodec.Crc32(s.Buffer, 0, s.Position));
        return s.Buffer[..s.Position];
    }

    [Fact]
    public void A_journal_with_bytes_after_its_deletes_is_dropped()
    {
        byte[] blob = Journal(s =>
        {
            s.WriteU16(0x4A54);
            s.WriteU16(0);
            s.WriteU16(1);
            s.WriteAscii("keep");
            s.WriteU8(0x55);
        });
        var storage = new MemoryStorage();
        storage.Write("keep", [1], 0, 1);
        storage.Write("jr", blob, 0, blob.Length);
        Assert.False(new StorageJournal(storage, "jr").Recover());
        Assert.Equal(1, storage.GetSize("keep"));
    }
}
