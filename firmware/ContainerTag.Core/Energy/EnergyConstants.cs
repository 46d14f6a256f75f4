namespace ContainerTag.Core.Energy
{
    /// <summary>
    /// Currents of the tag's parts for the battery model. Typical values from the datasheets named
    /// beside each; a board's own measurement should replace them when available.
    /// </summary>
    public static class EnergyConstants
    {
        /// <summary>ESP32 deep sleep with RTC timer and RTC memory: 10 uA (Espressif ESP32 datasheet, "Power consumption by power modes").</summary>
        public const double Esp32DeepSleepUa = 10.0;

        /// <summary>BME280 in sleep mode: 0.1 uA typ. (Bosch BST-BME280-DS002, table 1, I_DDSL).</summary>
        public const double Bme280SleepUa = 0.1;

        /// <summary>
        /// ADXL343 left measuring so its activity interrupt can wake the ESP32: about 40 uA at 100 Hz
        /// in low-power mode (Analog Devices ADXL343 datasheet, supply current vs. output data rate;
        /// 0.1 uA in standby, 140 uA at 100 Hz in normal mode).
        /// </summary>
        public const double Adxl343MeasuringUa = 40.0;

        /// <summary>Board LDO quiescent current and leakage (an assumption for a low-Iq LDO such as the MCP1700's 1.6 uA, plus margin).</summary>
        public const double BoardQuiescentUa = 5.0;

        /// <summary>ESP32 awake with the radio off, CPU at 80-160 MHz: 20-68 mA in the datasheet; 40 mA used.</summary>
        public const double ActiveCpuMa = 40.0;

        /// <summary>
        /// ESP32 with Wi-Fi on during connect/publish: TX 802.11b 240 mA, 802.11n 190 mA, RX 95-100 mA
        /// (ESP32 datasheet, RF power consumption); 160 mA average over a session.
        /// </summary>
        public const double RadioOnMa = 160.0;

        /// <summary>All sleep currents together, in mA.</summary>
        public const double SleepTotalMa = (Esp32DeepSleepUa + Bme280SleepUa + Adxl343MeasuringUa + BoardQuiescentUa) / 1000.0;

        /// <summary>Awake time of a wake without a report, used until the tag has measured its own.</summary>
        public const double DefaultAwakeMsPerWake = 150.0;

        /// <summary>Radio time of a report session (Wi-Fi association, DHCP, MQTT), used until measured.</summary>
        public const double DefaultRadioMsPerReport = 4000.0;
    }
}
