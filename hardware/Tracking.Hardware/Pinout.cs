using System.Globalization;
using System.Text.Json;

namespace Tracking.Hardware;

/// <summary>hardware/pinout.json: every signal of the tag to its ESP32 GPIO, every I2C address, the power nets.</summary>
public sealed record Pinout(string Board, I2cBus I2c, IReadOnlyList<Signal> Signals, IReadOnlyList<I2cDevice> I2cDevices, IReadOnlyList<PowerNet> Power)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static Pinout Parse(string json) =>
        JsonSerializer.Deserialize<Pinout>(json, Json) ?? throw new JsonException("pinout.json is null");

    public static Pinout Load(string path) => Parse(File.ReadAllText(path));
}

public sealed record I2cBus(int Bus, string Firmware);

/// <summary>How the ESP32 drives a pin: input-only GPIOs 34-39 accept only "input" and "analog".</summary>
public static class Direction
{
    public const string Input = "input";
    public const string Output = "output";
    public const string Bidirectional = "bidirectional";
    public const string Analog = "analog";

    public static readonly IReadOnlyList<string> All = [Input, Output, Bidirectional, Analog];

    public static bool Drives(string direction) => direction is Output or Bidirectional;
}

/// <param name="RtcRequired">The pin must keep working in deep sleep (a wake source), so it must be an RTC GPIO.</param>
/// <param name="Firmware">The constant in firmware/ContainerTag/Board that holds the GPIO, e.g. "Pins.I2cData".</param>
/// <param name="Connects">"Part.PIN" endpoints the GPIO is wired to.</param>
public sealed record Signal(string Name, int Gpio, string Direction, bool RtcRequired, string Firmware, IReadOnlyList<string> Connects, string Note, AdcInput? Adc = null);

public sealed record AdcInput(int Unit, int Channel, string Firmware);

public sealed record I2cDevice(string Name, string Address, string Firmware, string Note)
{
    /// <summary>The 7-bit address; written "0x76" in the file like the datasheets do.</summary>
    public int Value => Address.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        && int.TryParse(Address.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int v)
            ? v
            : -1;
}

public sealed record PowerNet(string Net, IReadOnlyList<string> Connects);
