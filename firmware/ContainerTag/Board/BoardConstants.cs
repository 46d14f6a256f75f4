namespace ContainerTag.Device.Board
{
    /// <summary>Board values that are not pins: I2C addresses and the battery divider.</summary>
    public static class BoardConstants
    {
        /// <summary>BME280 with SDO to GND (Bmx280Base.SecondaryI2cAddress).</summary>
        public const int Bme280Address = 0x76;

        /// <summary>ADXL343 with ALT ADDRESS to GND.</summary>
        public const int Adxl343Address = 0x53;

        /// <summary>Volts at the battery per volt at the ADC pin (two equal resistors).</summary>
        public const double BatteryDividerRatio = 2.0;

        /// <summary>ADC full-scale input in V at the firmware's default 11 dB attenuation.</summary>
        public const double AdcFullScaleVolts = 3.3;

        /// <summary>Settling time after switching the divider on.</summary>
        public const int DividerSettleMs = 5;
    }
}
