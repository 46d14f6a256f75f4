using System;
using System.Collections;
using ContainerTag.Core.Hardware;

namespace ContainerTag.Core.Storage
{
    /// <summary>
    /// The flash spool: readings wait here, oldest first, until the broker has acknowledged the batch
    /// that carried them. Appends go to the newest block file only (one 20-byte append per sample);
    /// rewrites (deleting an acknowledged prefix inside a block, thinning) go through a journal.
    /// When full, the oldest half is thinned (every other reading dropped) instead of losing a whole
    /// period; repeated thinning walks through the old half with a cursor so it ages evenly.
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

        /// <summary>Block index where the next thinning step starts; persisted by the caller.</summary>
        public int ThinCursor { get; set; }

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
        /// One thinning step over at most MaxThinBlocks blocks of the older half: of each pair of
        /// neighbouring readings of the same boot the later one is kept and carries the pair's peak
        /// acceleration (its "peak since the previous reading" now spans both). Seq numbers are kept,
        /// so gaps appear. Returns how many slots were freed.
        /// </summary>
        public int ThinOnce()
        {
            int start = FindThinStart(ThinCursor);
            if (start < 0)
            {
                start = FindThinStart(-1);
            }
            if (start < 0)
            {
                return 0;
            }
            int half = _count / 2;
            int before = 0;
            for (int i = 0; i < start; i++)
            {
                before += BlockAt(i).Count;
            }
            int end = start;
            int slots = 0;
            while (end < _blocks.Count && end - start < MaxThinBlocks && (end == start || before + slots < half))
            {
                slots += BlockAt(end).Count;
                end++;
            }
            if (slots < 2 && end < _blocks.Count)
            {
                slots += BlockAt(end).Count;
                end++;
            }

            // Read the region; unreadable slots are dropped too (they are counted as thinned).
            int valid = 0;
            int regionSlots = 0;
            for (int b = start; b < end; b++)
            {
                SpoolBlock block = BlockAt(b);
                int n = ReadBlock(block, _blockBuffer);
                regionSlots += block.Count;
                for (int i = 0; i < n; i++)
                {
                    if (_thinReadings[valid].Decode(_blockBuffer, i * Reading.RecordSize, block.Boot))
                    {
                        valid++;
                    }
                }
            }

            int kept = 0;
            int i0 = 0;
            while (i0 < valid)
            {
                int groupEnd = i0;
                while (groupEnd < valid && _thinReadings[groupEnd].Boot == _thinReadings[i0].Boot)
                {
                    groupEnd++;
                }
                for (int i = i0; i < groupEnd; i += 2)
                {
                    Reading keep = _thinReadings[i];
                    if (i + 1 < groupEnd)
                    {
                        Reading later = _thinReadings[i + 1];
                        if (keep.HasPeak && (!later.HasPeak || keep.PeakCentiG > later.PeakCentiG))
                        {
                            later.HasPeak = true;
                            later.PeakCentiG = keep.PeakCentiG;
                        }
                        keep = later;
                    }
                    _thinReadings[kept].CopyFrom(keep);
                    kept++;
                }
                i0 = groupEnd;
            }
            if (kept == regionSlots)
            {
                return 0;
            }

            // Pack the kept readings into blocks that reuse the region's indices, one boot per block.
            ArrayList outBlocks = new ArrayList();
            _journal.Begin();
            int k = 0;
            int nextIndexSlot = start;
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
            for (int b = start; b < end; b++)
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

            for (int b = start; b < end; b++)
            {
                _blocks.RemoveAt(start);
            }
            for (int j = 0; j < outBlocks.Count; j++)
            {
                _blocks.Insert(start + j, outBlocks[j]);
            }
            int freed = regionSlots - kept;
            _count -= freed;
            ThinnedSinceLoad += freed;
            ThinCursor = outBlocks.Count == 0 ? 0 : ((SpoolBlock)outBlocks[outBlocks.Count - 1]).Index + 1;
            return freed;
        }

        /// <summary>First block at or after the cursor that lies in the older half, or -1.</summary>
        private int FindThinStart(int cursor)
        {
            int half = _count / 2;
            int before = 0;
            for (int i = 0; i < _blocks.Count; i++)
            {
                SpoolBlock block = BlockAt(i);
                if (before >= half && i > 0)
                {
                    return -1;
                }
                if (block.Index >= cursor && i < _blocks.Count - 1)
                {
                    return i;
                }
                before += block.Count;
            }
            return -1;
        }
    }
}
