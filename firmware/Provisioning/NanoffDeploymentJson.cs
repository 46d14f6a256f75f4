using System.Text.Json;

namespace Tracking.Provisioning;

/// <summary>
/// The two JSON files nanoff (nanoframework/nanoFirmwareFlasher) takes: --filedeployment copies files to the
/// device's flash; --networkdeployment stores Wi-Fi credentials in the device's wireless configuration.
/// </summary>
internal static class NanoffDeploymentJson
{
    /// <summary>{"SerialPort":..,"Files":[{"DestinationFilePath":"I:\\tag.json","SourceFilePath":"/abs/tag.json"}]}</summary>
    public static byte[] FileDeployment(string serialPort, string tagJsonPath) => Write(w =>
    {
        w.WriteString("SerialPort", serialPort);
        w.WriteStartArray("Files");
        w.WriteStartObject();
        w.WriteString("DestinationFilePath", TagSettingsJson.DevicePath);
        w.WriteString("SourceFilePath", Path.GetFullPath(tagJsonPath));
        w.WriteEndObject();
        w.WriteEndArray();
    });

    /// <summary>
    /// nanoff's WirelessClient.ConfigurationOption (nanoFirmwareFlasher NetworkDeployment/WirelessConfiguration.cs,
    /// NetworkDeploymentManager.GetConfigurationOptions: None, Disable, Enable, AutoConnect, SmartConfig).
    /// "Enable" without AutoConnect: nanoCLR then does not join the network at every wake-up (its network
    /// start-up connects only when the stored profile has AutoConnect), so the radio stays off on sample-only
    /// wakes and the app brings Wi-Fi up just for a report.
    /// </summary>
    public const string WifiConfigurationOption = "Enable";

    /// <summary>{"WirelessClient":{"SSID":..,"Password":..,"ConfigurationOption":"Enable"}}</summary>
    public static byte[] NetworkDeployment(string ssid, string password) => Write(w =>
    {
        w.WriteStartObject("WirelessClient");
        w.WriteString("SSID", ssid);
        w.WriteString("Password", password);
        w.WriteString("ConfigurationOption", WifiConfigurationOption);
        w.WriteEndObject();
    });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, TagSettingsJson.WriterOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
