namespace ContainerTag.Core.Storage
{
    /// <summary>
    /// Walks the spool oldest first, one block in RAM at a time. <see cref="Position"/> counts the
    /// record slots passed (unreadable ones included), which is what DeleteOldest takes.
    /// </summary>
    public class SpoolCursor
    {
        private readonly ReadingSpool _spool;
        private readonly byte[] _buffer;
        private int _block = -1;
        private int _slotsInBlock;
        private int _slot;
        private int _position;

        internal SpoolCursor(ReadingSpool spool)
        {
            _spool = spool;
            _buffer = new byte[spool.RecordsPerBlock * Reading.RecordSize];
        }

        /// <summary>Record slots before the current one.</summary>
        public int Position { get { return _position; } }

        /// <summary>Unreadable (CRC-failed) slots skipped so far.</summary>
        public int Corrupt { get; private set; }

        /// <summary>
        /// Decodes the current reading into the given instance without moving on; skips unreadable
        /// slots. False at the end.
        /// </summary>
        public bool Peek(Reading into)
        {
            while (true)
            {
                if (_block >= _spool.BlockCount)
                {
                    return false;
                }
                if (_block < 0 || _slot >= _slotsInBlock)
                {
                    if (_block >= 0)
                    {
                        // slots the file no longer has (short read) still count as passed
                        _position += _spool.BlockAt(_block).Count - _slotsInBlock;
                    }
                    _block++;
                    if (_block >= _spool.BlockCount)
                    {
                        return false;
                    }
                    _slotsInBlock = _spool.ReadBlock(_spool.BlockAt(_block), _buffer);
                    _slot = 0;
                    continue;
                }
                if (into.Decode(_buffer, _slot * Reading.RecordSize, _spool.BlockAt(_block).Boot))
                {
                    return true;
                }
                Corrupt++;
                _slot++;
                _position++;
            }
        }

        /// <summary>Moves past the reading returned by the last successful Peek.</summary>
        public void Advance()
        {
            _slot++;
            _position++;
        }
    }
}
