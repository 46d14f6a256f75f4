using System.Text.Json;
using ContainerTag.Core.Protocol;
using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Alerts.Config;

/// <summary>The config message on the wire (docs/protocol.md 2 and 4.4): its topic and its compact JSON, every field present.</summary>
public static class TagConfigPayload
{
    public static string Topic(ContainerKey container, string tag) => $"tracking/v1/{container.Fleet}/{container.Container}/{tag}/config";

    public static byte[] Encode(TagConfig config)
    {
        var buffer = new MemoryStream(160);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", Limits.Version);
            json.WriteNumber("sample_s", config.SampleS);
            json.WriteNumber("report_s", config.ReportS);
            json.WriteNumber("t_lo", config.TempLowC);
            json.WriteNumber("t_hi", config.TempHighC);
            json.WriteNumber("t_delay_s", config.TempDelayS);
            json.WriteNumber("shock_g", config.ShockG);
            json.WriteNumber("bat_lo", config.BatteryLowV);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
