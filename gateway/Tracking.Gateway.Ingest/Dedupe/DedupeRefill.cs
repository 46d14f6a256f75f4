using Tracking.Gateway.Ingest.Decoding;
using Tracking.Gateway.Ingest.Spooling;

namespace Tracking.Gateway.Ingest.Dedupe;

/// <summary>
/// At start-up, before anything is received: remembers the keys of every spooled record not yet confirmed. After a
/// crash the broker redelivers what was spooled but not acknowledged; without this, those copies would pass the empty
/// filter and be spooled (and, for a0-timed readings, stored at a different time) a second time.
/// </summary>
public static class DedupeRefill
{
    /// <summary>Returns how many records were read.</summary>
    public static long Fill(DuplicateFilter filter, DiskSpool spool, bool strictContainerIds)
    {
        var state = new State(filter, new SpoolRecordDecoder(strictContainerIds));
        using SpoolReader reader = spool.CreateReader();
        long records = 0;
        while (true)
        {
            int read;
            try
            {
                read = reader.Read(256, state, static (record, _, s) => s.Remember(record));
            }
            catch (InvalidDataException)
            {
                // The writer reports damage and skips it; here it only means fewer keys remembered.
                reader.SkipSegment();
                continue;
            }

            if (read == 0) return records;
            records += read;
        }
    }

    /// <summary>How many keys (seq, seq+1, ...) a message carries; 0 for status, which is not deduplicated.</summary>
    public static int KeyCount(DecodedMessage m) => m.Kind switch
    {
        MessageKind.Telemetry => m.ReadingCount,
        MessageKind.Event => 1,
        _ => 0,
    };

    private sealed class State(DuplicateFilter filter, SpoolRecordDecoder decoder)
    {
        public void Remember(ReadOnlySpan<byte> record)
        {
            if (decoder.TryDecode(record, out _, out _, out TrackingTopic topic, out _, out _) && KeyCount(decoder.Message) is int keys and > 0)
            {
                filter.Remember(topic.TagPath, topic.Kind, decoder.Message.Boot, decoder.Message.Seq, keys);
            }
        }
    }
}
