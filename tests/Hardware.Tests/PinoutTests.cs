using Tracking.Hardware;
using Tracking.Testing;

namespace Hardware.Tests;

public class PinoutTests
{
    private static Pinout Committed() => Pinout.Load(RepoPaths.Of("hardware", "pinout.json"));

    private static Pinout WithSignal(Pinout p, string name, Func<Signal, Signal> change) =>
        p with { Signals = p.Signals.Select(s => s.Name == name ? change(s) : s).ToList() };

    private static Signal Named(Pinout p, string firmware) => p.Signals.Single(s => s.Firmware == firmware);

    [Fact]
    public void Committed_pinout_follows_every_rule()
    {
        Assert.Empty(PinoutRules.Check(Committed()));
    }

    [Fact]
    public void Firmware_pin_constants_equal_the_pinout()
    {
        var p = Committed();
        var firmware = FirmwareConstants.LoadBoard();
        Assert.Empty(FirmwareConstants.Compare(firmware, p));
        // the comparison covered every signal, both addresses, the ADC channel and the bus number
        Assert.Equal(p.Signals.Count + p.I2cDevices.Count + 2, FirmwareConstants.Expected(p).Count);
    }

    [Fact]
    public void A_changed_firmware_pin_is_reported()
    {
        var p = Committed();
        var firmware = FirmwareConstants.LoadBoard();
        firmware["Pins.AccelInterrupt"] = 32;
        firmware["BoardConstants.Bme280Address"] = 0x77;
        firmware["Pins.StatusLed"] = 2;
        var diffs = FirmwareConstants.Compare(firmware, p);
        Assert.Contains(diffs, d => d.StartsWith("Pins.AccelInterrupt: firmware 32, pinout.json 33"));
        Assert.Contains(diffs, d => d.StartsWith("BoardConstants.Bme280Address: firmware 119, pinout.json 118"));
        Assert.Contains(diffs, d => d.StartsWith("Pins.StatusLed: firmware pin not in pinout.json"));
        firmware.Remove("Pins.I2cClock");
        Assert.Contains(FirmwareConstants.Compare(firmware, p), d => d.StartsWith("Pins.I2cClock: named in pinout.json, missing"));
    }

    [Fact]
    public void Roslyn_reader_takes_hex_and_decimal_int_constants_and_ignores_others()
    {
        var c = FirmwareConstants.Parse("namespace N { public static class Pins { public const int A = 0x53; public const int B = 7; public const double R = 2.0; public static int NotConst = 3; } }");
        Assert.Equal(new Dictionary<string, int> { ["Pins.A"] = 0x53, ["Pins.B"] = 7 }, c);
        Assert.Throws<FormatException>(() => FirmwareConstants.Parse("public static class Pins { public const int A = ; }"));
    }

    [Fact]
    public void Wake_pin_that_is_not_an_RTC_GPIO_fails()
    {
        var p = WithSignal(Committed(), Named(Committed(), "Pins.AccelInterrupt").Name, s => s with { Gpio = 23 });
        Assert.Contains(PinoutRules.Check(p), e => e.Contains("GPIO 23") && e.Contains("not an RTC GPIO"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(26)]
    [InlineData(39)]
    public void Every_RTC_GPIO_is_accepted_as_wake_pin(int gpio)
    {
        var p = WithSignal(Committed(), Named(Committed(), "Pins.AccelInterrupt").Name, s => s with { Gpio = gpio });
        Assert.DoesNotContain(PinoutRules.Check(p), e => e.Contains("RTC"));
    }

    [Fact]
    public void Battery_sense_on_ADC2_fails()
    {
        var battery = Named(Committed(), "Pins.BatterySense");
        // GPIO 26 is ADC2 channel 9: unusable with Wi-Fi on
        var p = WithSignal(Committed(), battery.Name, s => s with { Gpio = 26, Adc = s.Adc! with { Unit = 2, Channel = 9 } });
        var p2 = WithSignal(Committed(), battery.Name, s => s with { Gpio = 26 });
        Assert.Contains(PinoutRules.Check(p), e => e.Contains("not an ADC1 pin"));
        Assert.Contains(PinoutRules.Check(p2), e => e.Contains("not an ADC1 pin"));
    }

    [Fact]
    public void ADC_channel_that_does_not_match_the_GPIO_fails()
    {
        var p = WithSignal(Committed(), Named(Committed(), "Pins.BatterySense").Name, s => s with { Gpio = 35 });
        Assert.Contains(PinoutRules.Check(p), e => e.Contains("GPIO 35 is ADC1 channel 7, not 6"));
    }

    [Fact]
    public void Input_only_pin_used_as_output_fails()
    {
        var p = WithSignal(Committed(), Named(Committed(), "Pins.BatteryDividerEnable").Name, s => s with { Gpio = 36 });
        var sda = WithSignal(Committed(), Named(Committed(), "Pins.I2cData").Name, s => s with { Gpio = 39 });
        Assert.Contains(PinoutRules.Check(p), e => e.Contains("GPIO 36 is input-only"));
        Assert.Contains(PinoutRules.Check(sda), e => e.Contains("GPIO 39 is input-only"));
    }

    [Fact]
    public void Two_I2C_devices_on_one_address_fail()
    {
        var c = Committed();
        var p = c with { I2cDevices = c.I2cDevices.Select(d => d with { Address = "0x76" }).ToList() };
        Assert.Contains(PinoutRules.Check(p), e => e.StartsWith("I2C address 0x76 is shared by BME280, ADXL343"));
    }

    [Fact]
    public void Address_that_is_not_7_bit_hex_fails()
    {
        var c = Committed();
        var p = c with { I2cDevices = [c.I2cDevices[0] with { Address = "118" }, c.I2cDevices[1] with { Address = "0xA6" }] };
        var errors = PinoutRules.Check(p);
        Assert.Contains(errors, e => e.Contains("\"118\" is not a 7-bit I2C address"));
        Assert.Contains(errors, e => e.Contains("\"0xA6\" is not a 7-bit I2C address"));
    }

    [Fact]
    public void GPIO_used_twice_fails()
    {
        var p = WithSignal(Committed(), Named(Committed(), "Pins.BatteryDividerEnable").Name, s => s with { Gpio = 21 });
        Assert.Contains(PinoutRules.Check(p), e => e.StartsWith("GPIO 21 is used twice: I2C SDA, Battery divider enable"));
    }

    [Theory]
    [InlineData(6, "SPI flash")]
    [InlineData(20, "does not exist")]
    [InlineData(40, "does not exist")]
    public void Flash_and_missing_GPIOs_fail(int gpio, string message)
    {
        var p = WithSignal(Committed(), Named(Committed(), "Pins.BatteryDividerEnable").Name, s => s with { Gpio = gpio });
        Assert.Contains(PinoutRules.Check(p), e => e.Contains(message));
    }

    [Fact]
    public void Unknown_field_or_missing_field_in_pinout_json_is_rejected()
    {
        var json = File.ReadAllText(RepoPaths.Of("hardware", "pinout.json"));
        Assert.Throws<System.Text.Json.JsonException>(() => Pinout.Parse(json.Replace("\"rtcRequired\": true", "\"rtcRequired\": true, \"wakePin\": true")));
        Assert.Throws<System.Text.Json.JsonException>(() => Pinout.Parse(json.Replace("\"firmware\": \"Pins.AccelInterrupt\",", "")));
    }
}
