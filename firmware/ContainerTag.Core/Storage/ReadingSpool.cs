using System;
using System.Collections;
using ContainerTag.Core.Hardware;

namespace ContainerTag.Core.Storage
{
    /// <summary>
    /// The flash spool: readings wait here, oldest first, until the broker has acknowledged the batch
    /// that carried them. Appends go to the newest block file only (one 20-byte append per sample);
    /// rewrites (deleting an acknowledged prefix inside a block, thinning) go through a journal.
    /// When full, the older half is thinned (every other reading dropped) instead of losing a whole
    /// period; each reading's thinning level is kept in its record so repeated thinning ages evenly.
    /// </summary>
    public class ReadingSpool
    {
        /// <summary>Journal blob for spool rewrites (not matching the block prefix).</summary>
        public const string JournalName = "jr.spool";

        /// <summary>At most this many blocks are rewritten by one thinning step (bounds RAM).</summary>
        public const int MaxThinBlocks = 8;

        private readonly IStorage _storage;
        private readonly StorageJournal _journal;
        private readonly int _capacity;
        private readonly int _perBlock;
        private readonly ArrayList _blocks = new ArrayList();
        private readonly byte[] _blockBuffer;
        private readonly byte[] _record = new byte[Reading.RecordSize];
        private readonly Reading[] _thinReadings;
        private readonly Reading _scratch = new Reading();
        private int _count;

        public ReadingSpool(IStorage storage, int capacity, int recordsPerBlock)
        {
            if (recordsPerBlock < 2 || capacity < 4 * recordsPerBlock)
            {
                throw new ArgumentException("spool capacity must be at least 4 blocks");
            }
            _storage = storage;
            _journal = new StorageJournal(storage, JournalName);
            _capacity = capacity;
            _perBlock = recordsPerBlock;
            _blockBuffer = new byte[recordsPerBlock * Reading.RecordSize];
            _thinReadings = new Reading[MaxThinBlocks * recordsPerBlock];
            for (int i = 0; i < _thinReadings.Length; i++)
            {
                _thinReadings[i] = new Reading();
            }
        }

        /// <summary>Record slots stored (readings waiting, plus any unreadable ones still on flash).</summary>
        public int Count { get { return _count; } }

        public int Capacity { get { return _capacity; } }

        public int RecordsPerBlock { get { return _perBlock; } }

        /// <summary>Readings dropped by thinning since this instance was loaded.</summary>
        public int ThinnedSinceLoad { get; private set; }

        internal int BlockCount { get { return _blocks.Count; } }

        internal SpoolBlock BlockAt(int i) { return (SpoolBlock)_blocks[i]; }

        /// <summary>Rebuilds the index from flash, finishing an interrupted rewrite first.</summary>
        public void Load()
        {
            _journal.Recover();
            _blocks.Clear();
            _count = 0;
            string[] names = _storage.List(SpoolBlock.Prefix);
            for (int i = 0; i < names.Length; i++)
            {
                SpoolBlock block = SpoolBlock.Parse(names[i]);
                if (block == null)
                {
                    continue;
                }
                int size = _storage.GetSize(names[i]);
                block.Count = size / Reading.RecordSize;
                if (block.Count > _perBlock)
                {
                    block.Count = _perBlock;
                }
                if (block.Count == 0)
                {
                    _storage.Delete(names[i]);
                    continue;
                }
                if (size != block.Count * Reading.RecordSize)
                {
                    // A power cut in the middle of an append: keep the whole records only.
                    _storage.Read(block.Name, 0, _blockBuffer, 0, block.Count * Reading.RecordSize);
                    _journal.Begin();
                    _journal.AddWrite(block.Name, _blockBuffer, 0, block.Count * Reading.RecordSize);
                    _journal.Commit();
                }
                InsertSorted(block);
                _count += block.Count;
            }
        }

        private void InsertSorted(SpoolBlock block)
        {
            int at = _blocks.Count;
            while (at > 0 && BlockAt(at - 1).Index > block.Index)
            {
                at--;
            }
            _blocks.Insert(at, block);
        }

        /// <summary>
        /// Appends one reading (its Boot selects the block). Thins first when the spool is full.
        /// Returns how many readings thinning dropped (normally 0).
        /// </summary>
        public int Append(Reading reading)
        {
            int thinned = 0;
            while (_count >= _capacity)
            {
                int dropped = ThinOnce();
                if (dropped == 0)
                {
                    break;
                }
                thinned += dropped;
            }
            reading.Encode(_record, 0);
            SpoolBlock last = _blocks.Count == 0 ? null : BlockAt(_blocks.Count - 1);
            if (last != null && last.Boot == reading.Boot && last.Count < _perBlock)
            {
                _storage.Append(last.Name, _record, 0, Reading.RecordSize);
                last.Count++;
            }
            else
            {
                SpoolBlock block = new SpoolBlock();
                block.Index = last == null ? 0 : last.Index + 1;
                block.Boot = reading.Boot;
                block.Count = 1;
                _storage.Write(block.Name, _record, 0, Reading.RecordSize);
                _blocks.Add(block);
            }
            _count++;
            return thinned;
        }

        /// <summary>A reader over the stored readings, oldest first.</summary>
        public SpoolCursor OpenCursor()
        {
            return new SpoolCursor(this);
        }

        internal int ReadBlock(SpoolBlock block, byte[] buffer)
        {
            return _storage.Read(block.Name, 0, buffer, 0, block.Count * Reading.RecordSize) / Reading.RecordSize;
        }

        /// <summary>
        /// Removes the oldest record slots (those whose batches were acknowledged). Whole blocks are
        /// deleted oldest first, so a power cut leaves a shorter acknowledged prefix, never a hole.
        /// </summary>
        public void DeleteOldest(int slots)
        {
            while (slots > 0 && _blocks.Count > 0)
            {
                SpoolBlock first = BlockAt(0);
                if (first.Count <= slots)
                {
                    _storage.Delete(first.Name);
                    _blocks.RemoveAt(0);
                    _count -= first.Count;
                    slots -= first.Count;
                    continue;
                }
                int slotsInFile = ReadBlock(first, _blockBuffer);
                int keep = slotsInFile - slots;
                if (keep < 0)
                {
                    keep = 0;
                }
                _journal.Begin();
                _journal.AddWrite(first.Name, _blockBuffer, slots * Reading.RecordSize, keep * Reading.RecordSize);
                _journal.Commit();
                _count -= first.Count - keep;
                first.Count = keep;
                slots = 0;
            }
        }

        /// <summary>
        /// One thinning step. Among the older half of the spool it finds the readings thinned the
        /// fewest times so far (lowest level) and, over at most MaxThinBlocks blocks starting at the
        /// oldest of them, pairs neighbouring ones of the same boot: the later of each pair is kept,
        /// carries the pair's peak acceleration (its "peak since the previous reading" now spans both)
        /// and goes up one level. So the old half loses resolution evenly, level by level, and the
        /// whole outage stays covered; the newer half keeps full resolution. Seq numbers are kept, so
        /// gaps appear. Returns how many slots were freed.
        /// </summary>
        public int ThinOnce()
        {
            if (_blocks.Count < 2)
            {
                return 0;
            }
            // the older half, never the block being appended to
            int half = _count / 2;
            int oldBlocks = 0;
            int before = 0;
            while (oldBlocks < _blocks.Count - 1 && (oldBlocks == 0 || before < half))
            {
                before += BlockAt(oldBlocks).Count;
                oldBlocks++;
            }
            int level = int.MaxValue;
            int first = -1;
            for (int b = 0; b < oldBlocks; b++)
            {
                int blockLevel = MinLevel(BlockAt(b));
                if (blockLevel < level)
                {
                    level = blockLevel;
                    first = b;
                }
            }
            if (first < 0)
            {
                return 0;
            }

            // region: from the first block holding that level, candidates are readings at or below it
            int end = first;
            int regionSlots = 0;
            int valid = 0;
            int candidates = 0;
            while (end < _blocks.Count && end - first < MaxThinBlocks && (end < oldBlocks || candidates < 2))
            {
                SpoolBlock block = BlockAt(end);
                int n = ReadBlock(block, _blockBuffer);
                regionSlots += block.Count;
                for (int i = 0; i < n; i++)
                {
                    Reading r = _thinReadings[valid];
                    if (r.Decode(_blockBuffer, i * Reading.RecordSize, block.Boot))
                    {
                        valid++;
                        if (r.ThinLevel <= level)
                        {
                            candidates++;
                        }
                    }
                }
                end++;
            }
            if (candidates < 2 && valid == regionSlots)
            {
                return 0;
            }

            // pair candidates of the same boot; other readings pass through unchanged
            int kept = 0;
            int pending = -1;
            for (int i = 0; i < valid; i++)
            {
                Reading r = _thinReadings[i];
                bool candidate = r.ThinLevel <= level;
                if (candidate && pending >= 0 && _thinReadings[pending].Boot == r.Boot)
                {
                    Reading earlier = _thinReadings[pending];
                    if (earlier.HasPeak && (!r.HasPeak || earlier.PeakCentiG > r.PeakCentiG))
                    {
                        r.HasPeak = true;
                        r.PeakCentiG = earlier.PeakCentiG;
                    }
                    r.ThinLevel = level + 1 > Reading.MaxThinLevel ? Reading.MaxThinLevel : level + 1;
                    pending = -1;
                    _thinReadings[kept++].CopyFrom(r);
                    continue;
                }
                if (pending >= 0)
                {
                    // an unpaired candidate (boot change or last one) stays as it is
                    _thinReadings[kept++].CopyFrom(_thinReadings[pending]);
                    pending = -1;
                }
                if (candidate)
                {
                    // hold it until we know whether a partner follows; kept index never passes i
                    _thinReadings[kept].CopyFrom(r);
                    pending = kept;
                }
                else
                {
                    _thinReadings[kept++].CopyFrom(r);
                }
            }
            if (pending >= 0)
            {
                kept++;
            }
            if (kept == regionSlots)
            {
                return 0;
            }

            // pack the kept readings into blocks that reuse the region's indices, one boot per block
            ArrayList outBlocks = new ArrayList();
            _journal.Begin();
            int k = 0;
            int nextIndexSlot = first;
            while (k < kept)
            {
                long boot = _thinReadings[k].Boot;
                int n = 0;
                while (k + n < kept && n < _perBlock && _thinReadings[k + n].Boot == boot)
                {
                    _thinReadings[k + n].Encode(_blockBuffer, n * Reading.RecordSize);
                    n++;
                }
                SpoolBlock outBlock = new SpoolBlock();
                outBlock.Index = BlockAt(nextIndexSlot).Index;
                outBlock.Boot = boot;
                outBlock.Count = n;
                nextIndexSlot++;
                _journal.AddWrite(outBlock.Name, _blockBuffer, 0, n * Reading.RecordSize);
                outBlocks.Add(outBlock);
                k += n;
            }
            for (int b = first; b < end; b++)
            {
                string oldName = BlockAt(b).Name;
                bool rewritten = false;
                for (int j = 0; j < outBlocks.Count; j++)
                {
                    if (((SpoolBlock)outBlocks[j]).Name == oldName)
                    {
                        rewritten = true;
                    }
                }
                if (!rewritten)
                {
                    _journal.AddDelete(oldName);
                }
            }
            _journal.Commit();

            for (int b = first; b < end; b++)
            {
                _blocks.RemoveAt(first);
            }
            for (int j = 0; j < outBlocks.Count; j++)
            {
                _blocks.Insert(first + j, outBlocks[j]);
            }
            int freed = regionSlots - kept;
            _count -= freed;
            ThinnedSinceLoad += freed;
            return freed;
        }

        /// <summary>Lowest thinning level of the readable records in a block (MaxThinLevel + 1 if none).</summary>
        private int MinLevel(SpoolBlock block)
        {
            int n = ReadBlock(block, _blockBuffer);
            int level = Reading.MaxThinLevel + 1;
            for (int i = 0; i < n; i++)
            {
                if (_scratch.Decode(_blockBuffer, i * Reading.RecordSize, block.Boot) && _scratch.ThinLevel < level)
                {
                    level = _scratch.ThinLevel;
                }
            }
            return level;
        }
    }
}
