namespace Tracking.Hardware;

/// <summary>The electrical rules a pinout must follow on an ESP32 tag; each broken rule is one message.</summary>
public static class PinoutRules
{
    public static IReadOnlyList<string> Check(Pinout p)
    {
        var errors = new List<string>();
        foreach (var s in p.Signals)
        {
            if (!Esp32Pins.Exists.Contains(s.Gpio)) errors.Add($"{s.Name}: GPIO {s.Gpio} does not exist on the ESP32");
            if (Esp32Pins.Flash.Contains(s.Gpio)) errors.Add($"{s.Name}: GPIO {s.Gpio} belongs to the SPI flash (GPIO 6-11)");
            if (!Direction.All.Contains(s.Direction)) errors.Add($"{s.Name}: direction \"{s.Direction}\" is not one of {string.Join(", ", Direction.All)}");
            if (s.RtcRequired && !Esp32Pins.Rtc.Contains(s.Gpio))
                errors.Add($"{s.Name}: GPIO {s.Gpio} must wake the chip from deep sleep but is not an RTC GPIO (0, 2, 4, 12-15, 25-27, 32-39)");
            if (Direction.Drives(s.Direction) && Esp32Pins.InputOnly.Contains(s.Gpio))
                errors.Add($"{s.Name}: GPIO {s.Gpio} is input-only (34-39) and cannot be an {s.Direction} pin");
            if (s.Direction == Direction.Analog)
            {
                if (s.Adc is null) errors.Add($"{s.Name}: analog signal without an adc entry");
                else if (s.Adc.Unit != 1 || !Esp32Pins.Adc1Channel.TryGetValue(s.Gpio, out int ch))
                    errors.Add($"{s.Name}: GPIO {s.Gpio} (ADC{s.Adc.Unit}) is not an ADC1 pin (GPIO 32-39); ADC2 is unusable while Wi-Fi is on");
                else if (ch != s.Adc.Channel)
                    errors.Add($"{s.Name}: GPIO {s.Gpio} is ADC1 channel {ch}, not {s.Adc.Channel}");
            }
            else if (s.Adc is not null)
            {
                errors.Add($"{s.Name}: adc entry on a {s.Direction} signal");
            }

            if (s.Connects.Count == 0) errors.Add($"{s.Name}: connects to nothing");
        }
        foreach (var g in p.Signals.GroupBy(s => s.Gpio).Where(g => g.Count() > 1))
            errors.Add($"GPIO {g.Key} is used twice: {string.Join(", ", g.Select(s => s.Name))}");
        foreach (var d in p.I2cDevices)
        {
            if (d.Value is < 0x08 or > 0x77) errors.Add($"{d.Name}: \"{d.Address}\" is not a 7-bit I2C address (0x08-0x77, hex)");
        }
        foreach (var g in p.I2cDevices.GroupBy(d => d.Value).Where(g => g.Count() > 1))
            errors.Add($"I2C address 0x{g.Key:X2} is shared by {string.Join(", ", g.Select(d => d.Name))}");
        foreach (var g in p.Signals.Select(s => s.Firmware).Concat(p.I2cDevices.Select(d => d.Firmware)).GroupBy(f => f).Where(g => g.Count() > 1))
            errors.Add($"firmware constant {g.Key} is named for two entries");
        return errors;
    }
}
