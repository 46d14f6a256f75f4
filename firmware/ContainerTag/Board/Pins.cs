namespace ContainerTag.Device.Board
{
    /// <summary>
    /// Every ESP32 pin the tag uses, in one place; hardware/pinout.json is the source of truth and
    /// tests/Hardware.Tests fails when this file disagrees with it. The accelerometer interrupt must be an RTC GPIO (0, 2, 4, 12-15, 25-27,
    /// 32-39) to wake the chip from deep sleep; the battery sense must be an ADC1 pin (ADC2 is
    /// unusable while Wi-Fi is on).
    /// </summary>
    public static class Pins
    {
        public const int I2cBus = 1;
        public const int I2cData = 21;
        public const int I2cClock = 22;

        /// <summary>ADXL343 INT1 (activity interrupt, active high) on RTC GPIO 33.</summary>
        public const int AccelInterrupt = 33;

        /// <summary>Battery divider tap on GPIO 34 = ADC1 channel 6.</summary>
        public const int BatterySense = 34;
        public const int BatteryAdcChannel = 6;

        /// <summary>High switches the battery divider on (off while asleep, so it draws nothing).</summary>
        public const int BatteryDividerEnable = 25;
    }
}
