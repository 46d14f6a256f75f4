namespace ContainerTag.Core.Hardware
{
    /// <summary>
    /// Programs the ADXL343 directly over its register map (Analog Devices ADXL343 datasheet, register map
    /// and register definitions). The nanoFramework.Iot.Device.Adxl343 binding cannot be used for the wake
    /// interrupt: in devices/Adxl343/ADXL343.cs (nanoframework/nanoFramework.IoT.Device, unchanged since
    /// commit af649c03e, the source of package 1.0.563) TrySetActiveInactiveControl writes Register.TapAxes
    /// (0x2A), TrySetInterruptEnable writes Register.IntMap (0x2F) and TrySetInterruptMap writes
    /// Register.IntEnable (0x2E), and nothing reads INT_SOURCE (0x30), so the activity interrupt is never
    /// armed and a latched one is never cleared.
    /// </summary>
    public class Adxl343Chip
    {
        public const byte DevId = 0x00;
        public const byte ThreshAct = 0x24;
        public const byte ActInactCtl = 0x27;
        public const byte BwRate = 0x2C;
        public const byte PowerCtl = 0x2D;
        public const byte IntEnable = 0x2E;
        public const byte IntMap = 0x2F;
        public const byte IntSource = 0x30;
        public const byte DataFormat = 0x31;
        public const byte DataX0 = 0x32;

        /// <summary>DEVID reads 0xE5.</summary>
        public const byte DeviceId = 0xE5;

        /// <summary>Activity bit (D4) of INT_ENABLE, INT_MAP and INT_SOURCE.</summary>
        public const byte ActivityBit = 0x10;

        /// <summary>ACT_INACT_CTL: activity AC-coupled (D7) on X, Y and Z (D6..D4); no inactivity detection.</summary>
        public const byte ActivityAcXyz = 0xF0;

        /// <summary>DATA_FORMAT: FULL_RES (D3, 3.9 mg/LSB at every range), ±16 g (D1:D0 = 11), INT active high.</summary>
        public const byte FullResolution16G = 0x0B;

        /// <summary>BW_RATE: LOW_POWER (D4), output data rate 100 Hz (rate code 0x0A).</summary>
        public const byte LowPower100Hz = 0x1A;

        /// <summary>POWER_CTL: Measure (D3), no link/auto-sleep.</summary>
        public const byte Measure = 0x08;

        /// <summary>THRESH_ACT scale: 62.5 mg/LSB.</summary>
        public const double ThresholdGPerLsb = 0.0625;

        /// <summary>Output scale in full resolution: 3.9 mg/LSB.</summary>
        public const double GPerLsb = 0.0039;

        private readonly IRegisterBus _bus;
        private readonly byte[] _buffer = new byte[6];

        public Adxl343Chip(IRegisterBus bus)
        {
            _bus = bus;
        }

        /// <summary>True when DEVID answers 0xE5 (the chip is there).</summary>
        public bool IsPresent()
        {
            return _bus.Read(DevId, _buffer, 1) && _buffer[0] == DeviceId;
        }

        /// <summary>Full resolution, ±16 g, 100 Hz low-power, measuring. False on a bus error.</summary>
        public bool Configure()
        {
            return _bus.Write(DataFormat, FullResolution16G)
                && _bus.Write(BwRate, LowPower100Hz)
                && _bus.Write(PowerCtl, Measure);
        }

        /// <summary>
        /// Reads INT_SOURCE, which clears the latched activity interrupt (INT1 goes low again). Must run on
        /// every wake: ext0 wakes on the level, so a line left high wakes the ESP32 again at once, forever.
        /// Returns the INT_SOURCE bits, or -1 on a bus error.
        /// </summary>
        public int ClearLatched()
        {
            if (!_bus.Read(IntSource, _buffer, 1))
            {
                return -1;
            }
            return _buffer[0];
        }

        /// <summary>THRESH_ACT code for a threshold in g: rounded to 62.5 mg, 1..255 (0 would fire on noise).</summary>
        public static byte ThresholdCode(double thresholdG)
        {
            double lsb = thresholdG / ThresholdGPerLsb + 0.5;
            if (!(lsb >= 1))
            {
                return 1;
            }
            return lsb >= 255 ? (byte)255 : (byte)lsb;
        }

        /// <summary>
        /// Arms the AC-coupled activity interrupt on INT1 at the threshold: interrupts off, THRESH_ACT,
        /// ACT_INACT_CTL, INT_MAP (0 = INT1), a read of INT_SOURCE to drop anything latched meanwhile, then
        /// INT_ENABLE (the datasheet's order: configure before enabling). False on a bus error.
        /// </summary>
        public bool ArmActivityWake(double thresholdG)
        {
            return _bus.Write(IntEnable, 0)
                && _bus.Write(ThreshAct, ThresholdCode(thresholdG))
                && _bus.Write(ActInactCtl, ActivityAcXyz)
                && _bus.Write(IntMap, 0)
                && ClearLatched() >= 0
                && _bus.Write(IntEnable, ActivityBit);
        }

        /// <summary>One sample in raw counts (little-endian 16-bit, DATAX0..DATAZ1). False on a bus error.</summary>
        public bool ReadCounts(out int x, out int y, out int z)
        {
            x = 0;
            y = 0;
            z = 0;
            if (!_bus.Read(DataX0, _buffer, 6))
            {
                return false;
            }
            x = (short)(_buffer[0] | (_buffer[1] << 8));
            y = (short)(_buffer[2] | (_buffer[3] << 8));
            z = (short)(_buffer[4] | (_buffer[5] << 8));
            return true;
        }
    }
}
