using System.Collections;

namespace ContainerTag.Core.Storage
{
    /// <summary>
    /// Maps the clock stamps of unsynced readings and events to time. Every boot's unsynced stamps
    /// share one free-running clock (its "base"); an entry per boot says how to turn them into either
    /// Unix ms (anchored: the clock got synced later in that boot) or the current boot's clock
    /// (not anchored yet: sent as an age, a0). Stored records are never rewritten for this.
    /// See docs/protocol.md section 7 (clock rules).
    /// </summary>
    public class TimeBases
    {
        /// <summary>Entries beyond this drop the oldest; its stamps then resolve as estimates.</summary>
        public const int MaxEntries = 16;

        private readonly ArrayList _entries = new ArrayList();

        private class Entry
        {
            public long Boot;
            public long CorrectionMs;
            public bool Anchored;
            public bool Estimated;
        }

        public int Count { get { return _entries.Count; } }

        private Entry Find(long boot)
        {
            for (int i = 0; i < _entries.Count; i++)
            {
                Entry e = (Entry)_entries[i];
                if (e.Boot == boot)
                {
                    return e;
                }
            }
            return null;
        }

        /// <summary>
        /// A cold boot: the clock restarted. Unanchored bases are carried into the new clock assuming
        /// the tag was off for no time (the downtime is unknown), so their times become estimates.
        /// </summary>
        public void StartBoot(long boot, long nowMs, bool synced, bool haveLast, long lastNowMs)
        {
            for (int i = 0; i < _entries.Count; i++)
            {
                Entry e = (Entry)_entries[i];
                if (!e.Anchored)
                {
                    if (haveLast)
                    {
                        e.CorrectionMs += nowMs - lastNowMs;
                    }
                    e.Estimated = true;
                    e.Anchored = synced;
                }
            }
            Entry current = Find(boot);
            if (current == null)
            {
                current = new Entry();
                current.Boot = boot;
                _entries.Add(current);
                if (_entries.Count > MaxEntries)
                {
                    _entries.RemoveAt(0);
                }
            }
            current.CorrectionMs = 0;
            current.Anchored = synced;
            current.Estimated = false;
        }

        /// <summary>
        /// The clock jumped by deltaMs (it got synced): every unanchored base now maps to Unix ms.
        /// estimated is true when the jump could not be measured exactly.
        /// </summary>
        public void Anchor(long deltaMs, bool estimated)
        {
            for (int i = 0; i < _entries.Count; i++)
            {
                Entry e = (Entry)_entries[i];
                if (!e.Anchored)
                {
                    e.CorrectionMs += deltaMs;
                    e.Anchored = true;
                    e.Estimated = e.Estimated || estimated;
                }
            }
        }

        /// <summary>
        /// Resolves one stamp. absolute: time is Unix ms; otherwise it is on the current clock (to be
        /// sent as an age). estimated: the tag lost track of time in between (cold boot unsynced).
        /// </summary>
        public long Resolve(long boot, long stampMs, bool stampSynced, bool clockSynced, out bool absolute, out bool estimated)
        {
            if (stampSynced)
            {
                absolute = true;
                estimated = false;
                return stampMs;
            }
            Entry e = Find(boot);
            if (e == null)
            {
                absolute = clockSynced;
                estimated = true;
                return stampMs;
            }
            absolute = e.Anchored;
            estimated = e.Estimated;
            return stampMs + e.CorrectionMs;
        }

        /// <summary>Forgets bases of boots older than the oldest one still referenced.</summary>
        public void Prune(long oldestBootInUse, long currentBoot)
        {
            for (int i = _entries.Count - 1; i >= 0; i--)
            {
                Entry e = (Entry)_entries[i];
                if (e.Boot < oldestBootInUse && e.Boot != currentBoot)
                {
                    _entries.RemoveAt(i);
                }
            }
        }

        public void Clear()
        {
            _entries.Clear();
        }

        public void WriteTo(ByteStream s)
        {
            s.WriteU8(_entries.Count);
            for (int i = 0; i < _entries.Count; i++)
            {
                Entry e = (Entry)_entries[i];
                s.WriteU32(e.Boot);
                s.WriteI64(e.CorrectionMs);
                s.WriteU8((e.Anchored ? 1 : 0) | (e.Estimated ? 2 : 0));
            }
        }

        public void ReadFrom(ByteStream s)
        {
            _entries.Clear();
            int n = s.ReadU8();
            for (int i = 0; i < n && !s.Overrun; i++)
            {
                Entry e = new Entry();
                e.Boot = s.ReadU32();
                e.CorrectionMs = s.ReadI64();
                int flags = s.ReadU8();
                e.Anchored = (flags & 1) != 0;
                e.Estimated = (flags & 2) != 0;
                _entries.Add(e);
            }
        }
    }
}
