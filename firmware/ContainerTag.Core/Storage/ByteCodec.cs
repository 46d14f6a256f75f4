namespace ContainerTag.Core.Storage
{
    /// <summary>Little-endian integers and checksums for the flash formats.</summary>
    public static class ByteCodec
    {
        public static void PutU16(byte[] b, int at, int value)
        {
            b[at] = (byte)value;
            b[at + 1] = (byte)(value >> 8);
        }

        public static int GetU16(byte[] b, int at)
        {
            return b[at] | (b[at + 1] << 8);
        }

        public static int GetI16(byte[] b, int at)
        {
            int v = GetU16(b, at);
            return v >= 0x8000 ? v - 0x10000 : v;
        }

        public static void PutU32(byte[] b, int at, long value)
        {
            b[at] = (byte)value;
            b[at + 1] = (byte)(value >> 8);
            b[at + 2] = (byte)(value >> 16);
            b[at + 3] = (byte)(value >> 24);
        }

        public static long GetU32(byte[] b, int at)
        {
            return (long)b[at] | ((long)b[at + 1] << 8) | ((long)b[at + 2] << 16) | ((long)b[at + 3] << 24);
        }

        /// <summary>Signed 48-bit (two's complement): Unix ms fit until the year 6429.</summary>
        public static void PutI48(byte[] b, int at, long value)
        {
            for (int i = 0; i < 6; i++)
            {
                b[at + i] = (byte)(value >> (8 * i));
            }
        }

        public static long GetI48(byte[] b, int at)
        {
            long v = 0;
            for (int i = 0; i < 6; i++)
            {
                v |= (long)b[at + i] << (8 * i);
            }
            if ((v & 0x800000000000L) != 0)
            {
                v -= 0x1000000000000L;
            }
            return v;
        }

        public static void PutI64(byte[] b, int at, long value)
        {
            for (int i = 0; i < 8; i++)
            {
                b[at + i] = (byte)(value >> (8 * i));
            }
        }

        public static long GetI64(byte[] b, int at)
        {
            long v = 0;
            for (int i = 0; i < 8; i++)
            {
                v |= (long)b[at + i] << (8 * i);
            }
            return v;
        }

        /// <summary>CRC-8, polynomial 0x07 (SMBus), init 0: guards each 20-byte spool record.</summary>
        public static byte Crc8(byte[] b, int at, int count)
        {
            int crc = 0;
            for (int i = at; i < at + count; i++)
            {
                crc ^= b[i];
                for (int k = 0; k < 8; k++)
                {
                    crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
                }
            }
            return (byte)crc;
        }

        /// <summary>CRC-32 (IEEE, reflected 0xEDB88320): guards the state slots and the journal.</summary>
        public static long Crc32(byte[] b, int at, int count)
        {
            uint crc = 0xFFFFFFFF;
            for (int i = at; i < at + count; i++)
            {
                crc ^= b[i];
                for (int k = 0; k < 8; k++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
                }
            }
            return (long)(crc ^ 0xFFFFFFFF);
        }
    }
}
