namespace Tracking.Hardware;

/// <summary>ESP32 (original, WROOM/WROVER modules) pin facts from the Espressif ESP32 datasheet, section "Pin Definitions" / "RTC and Low-Power Management".</summary>
public static class Esp32Pins
{
    /// <summary>GPIOs the chip has (no 20, 24, 28-31).</summary>
    public static readonly IReadOnlySet<int> Exists = new HashSet<int>([.. Enumerable.Range(0, 20), 21, 22, 23, 25, 26, 27, .. Enumerable.Range(32, 8)]);

    /// <summary>Wired to the module's SPI flash: using them crashes the chip.</summary>
    public static readonly IReadOnlySet<int> Flash = new HashSet<int>(Enumerable.Range(6, 6));

    /// <summary>Pins of the RTC domain: the only ones that can wake the chip from deep sleep (ext0/ext1).</summary>
    public static readonly IReadOnlySet<int> Rtc = new HashSet<int>([0, 2, 4, 12, 13, 14, 15, 25, 26, 27, 32, 33, 34, 35, 36, 37, 38, 39]);

    /// <summary>No output driver and no pull resistors.</summary>
    public static readonly IReadOnlySet<int> InputOnly = new HashSet<int>(Enumerable.Range(34, 6));

    /// <summary>ADC1 channel of each ADC1 GPIO. ADC2 (GPIO 0, 2, 4, 12-15, 25-27) is taken by the Wi-Fi driver while Wi-Fi is on.</summary>
    public static readonly IReadOnlyDictionary<int, int> Adc1Channel = new Dictionary<int, int>
    {
        [36] = 0, [37] = 1, [38] = 2, [39] = 3, [32] = 4, [33] = 5, [34] = 6, [35] = 7,
    };
}
