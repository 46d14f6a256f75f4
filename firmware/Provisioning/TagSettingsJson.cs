using System.Text.Encodings.Web;
using System.Text.Json;
using ContainerTag.Core.Protocol;

namespace Tracking.Provisioning;

/// <summary>
/// I:\tag.json as firmware/ContainerTag/Settings/TagSettingsReader parses it: the config message of
/// docs/protocol.md section 4.4 plus the tag's identity, broker and MQTT credential (firmware/README.md).
/// </summary>
internal static class TagSettingsJson
{
    /// <summary>Where the tag reads it (TagSettings.FilePath on the device).</summary>
    public const string DevicePath = "I:\\tag.json";

    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        // The files are read by nanoff and the tag, not embedded in HTML: keep '+', '&' and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Write(ProvisionOptions o, TagCredential credential)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            TagConfig c = o.Config;
            w.WriteStartObject();
            w.WriteNumber("v", Limits.Version);
            w.WriteNumber("sample_s", c.SampleS);
            w.WriteNumber("report_s", c.ReportS);
            w.WriteNumber("t_lo", c.TempLowC);
            w.WriteNumber("t_hi", c.TempHighC);
            w.WriteNumber("t_delay_s", c.TempDelayS);
            w.WriteNumber("shock_g", c.ShockG);
            w.WriteNumber("bat_lo", c.BatteryLowV);
            w.WriteString("fleet", o.Fleet);
            w.WriteString("container", o.Container);
            w.WriteString("tag", o.Tag);
            if (o.AllowNonIsoContainer)
            {
                w.WriteBoolean("allow_non_iso_container", true);
            }
            w.WriteString("broker_host", o.BrokerHost);
            w.WriteNumber("broker_port", o.BrokerPort);
            // The tag's MQTT account (docs/security.md); a reader that does not know the keys skips them.
            w.WriteString("mqtt_user", credential.Username);
            w.WriteString("mqtt_password", credential.Password);
            w.WriteEndObject();
        }
        byte[] json = buffer.ToArray();

        // The device reads the file with Core's parser: never hand it a file that parser refuses.
        var parser = new ConfigParser();
        if (parser.Parse(json, json.Length) is not { } parsed || !parsed.SameAs(o.Config))
        {
            throw new InvalidOperationException("tag.json does not read back as written: " + parser.Error);
        }
        return json;
    }
}
