using ContainerTag.Core.Control;
using ContainerTag.Core.Hardware;
using ContainerTag.Core.Protocol;
using ContainerTag.Core.Storage;
using Xunit;

namespace ContainerTag.Tests;

/// <summary>
/// One example per escape the totality properties (DecoderTotalityTests) found in the tag's decoders, so each
/// stays fixed even if the random search stops reaching it.
/// </summary>
public class DecoderRegressionTests
{
    [Theory]
    [InlineData("{\"\\ud800\" 1}", "expected ':' after \"?\"")]
    [InlineData("{\"\\u0007bell\":[}", "malformed value of \"?bell\"")]
    // 31 ASCII chars then a surrogate pair: cutting at 32 used to leave its high half alone
    [InlineData("{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\ud83d\\ude00\" 1}", "expected ':' after \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa?\"")]
    public void A_rejection_quoting_a_field_name_is_printable_ascii(string json, string reason)
    {
        var parser = new ConfigParser();
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(json);
        Assert.Null(parser.Parse(bytes, bytes.Length));
        Assert.Equal(reason, parser.Error);
    }

    [Fact]
    public void A_block_name_with_a_leading_zero_in_its_boot_is_not_a_block()
    {
        // parsed as boot 7 it used to be reopened as "sp00000001.7": counted, unreadable, never deleted
        Assert.Null(SpoolBlock.Parse("sp00000001.07"));
        Assert.Null(SpoolBlock.Parse("sp00000001.00"));
        Assert.Equal(0, SpoolBlock.Parse("sp00000001.0")!.Boot);

        var storage = new MemoryStorage();
        var record = new byte[Reading.RecordSize];
        EncoderTests.MakeReading(7, 0, 1_732_600_000_000, 4.2, 50, 1000, 0.1).Encode(record, 0);
        storage.Write("sp00000001.07", record, 0, record.Length);
        var spool = new ReadingSpool(storage, 64, 8);
        spool.Load();
        Assert.Equal(0, spool.Count);
        Assert.False(spool.OpenCursor().Peek(new Reading()));
    }

    [Fact]
    public void A_record_whose_crc_matches_but_whose_temperature_is_outside_the_wire_range_is_unreadable()
    {
        Reading r = EncoderTests.MakeReading(3, 1, 1_732_600_000_000, 4.2, 50, 1000, 0.1);
        r.TempCenti = Limits.TempMaxCenti + 1; // a value Sample never stores, as a CRC-8 collision would give
        var b = new byte[Reading.RecordSize];
        r.Encode(b, 0);
        Assert.False(new Reading().Decode(b, 0, 3));
    }

    [Fact]
    public void A_state_slot_whose_crc_matches_but_whose_excursion_kind_is_unknown_starts_a_fresh_boot()
    {
        var state = new TagState { Initialized = true, Boot = 3, ExcursionKind = 99 };
        var s = new ByteStream(64);
        state.WriteTo(s);
        byte[] slot = DecoderTotalityTests.Slot(s.Buffer[..s.Position]);
        var storage = new MemoryStorage();
        storage.Write("st.a", slot, 0, slot.Length);
        Assert.False(new StateStore(storage).Load(new TagState()));
    }

    [Fact]
    public void A_state_slot_whose_crc_matches_but_whose_config_is_out_of_range_starts_a_fresh_boot()
    {
        var state = new TagState { Initialized = true, Boot = 3 };
        state.Config.SampleS = 0; // the controller would then sample in a tight loop
        var s = new ByteStream(64);
        state.WriteTo(s);
        byte[] slot = DecoderTotalityTests.Slot(s.Buffer[..s.Position]);
        var storage = new MemoryStorage();
        storage.Write("st.a", slot, 0, slot.Length);
        Assert.False(new StateStore(storage).Load(new TagState()));
    }

    [Fact]
    public void A_journal_write_with_a_length_near_two_to_the_32_is_dropped_not_thrown()
    {
        // (int)0xFFFFFFFF was -1: the position went backwards and the write was handed a negative count
        var body = new ByteStream(32);
        body.WriteU16(0x4A54);
        body.WriteU16(1);
        body.WriteAscii("sp00000001.3");
        body.WriteU32(0xFFFFFFFFL);
        body.WriteU16(0);
        byte[] blob = DecoderTotalityTests.Journal(body.Buffer[..body.Position]);
        var storage = new MemoryStorage();
        storage.Write("jr", blob, 0, blob.Length);
        Assert.False(new StorageJournal(storage, "jr").Recover());
        Assert.Empty(storage.List(""));
    }

    [Fact]
    public void A_journal_malformed_after_its_first_write_changes_nothing()
    {
        // it used to perform the first write and then give up: half a change set
        var body = new ByteStream(32);
        body.WriteU16(0x4A54);
        body.WriteU16(2);
        body.WriteAscii("sp00000001.3");
        body.WriteU32(2);
        body.WriteBytes([1, 2], 0, 2);
        body.WriteAscii("sp00000002.3");
        body.WriteU32(1000); // longer than the journal
        byte[] blob = DecoderTotalityTests.Journal(body.Buffer[..body.Position]);
        var storage = new MemoryStorage();
        storage.Write("jr", blob, 0, blob.Length);
        Assert.False(new StorageJournal(storage, "jr").Recover());
        Assert.Equal(-1, storage.GetSize("sp00000001.3"));
    }
}
