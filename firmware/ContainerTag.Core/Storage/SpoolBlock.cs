namespace ContainerTag.Core.Storage
{
    /// <summary>
    /// One block file of the spool: "sp" + 8-digit index + "." + boot, holding up to RecordsPerBlock
    /// 20-byte records of one boot. The index orders the blocks oldest first.
    /// </summary>
    public class SpoolBlock
    {
        public const string Prefix = "sp";

        public int Index;
        public long Boot;

        /// <summary>Record slots in the file, including any whose CRC fails.</summary>
        public int Count;

        public string Name { get { return MakeName(Index, Boot); } }

        public static string MakeName(int index, long boot)
        {
            string digits = index.ToString();
            while (digits.Length < 8)
            {
                digits = "0" + digits;
            }
            return Prefix + digits + "." + boot.ToString();
        }

        /// <summary>
        /// Parses a block name; null when the name is not one. Only the name MakeName writes is one: the spool
        /// reopens a block by its Name, so "sp00000001.07" (boot 7 with a leading zero) must not alias the
        /// file "sp00000001.7" and leave its own records counted but unreadable and never deleted.
        /// </summary>
        public static SpoolBlock Parse(string name)
        {
            if (name == null || name.Length < 12 || !name.StartsWith(Prefix) || name[10] != '.'
                || (name[11] == '0' && name.Length > 12))
            {
                return null;
            }
            long index = ParseDigits(name, 2, 10);
            long boot = ParseDigits(name, 11, name.Length);
            if (index < 0 || boot < 0 || boot > 0xFFFFFFFFL)
            {
                return null;
            }
            SpoolBlock block = new SpoolBlock();
            block.Index = (int)index;
            block.Boot = boot;
            return block;
        }

        private static long ParseDigits(string s, int from, int to)
        {
            if (to <= from || to - from > 10)
            {
                return -1;
            }
            long v = 0;
            for (int i = from; i < to; i++)
            {
                char c = s[i];
                if (c < '0' || c > '9')
                {
                    return -1;
                }
                v = v * 10 + (c - '0');
            }
            return v;
        }
    }
}
