namespace Tracking.Testing.Payloads;

/// <summary>Telemetry payloads (docs/protocol.md 4.1) built by count, for tests on either side of the spool.</summary>
public static class TelemetryPayloads
{
    /// <summary>A valid batch of <paramref name="readings"/> readings one second apart (65 exceeds the limit of 64).</summary>
    public static string Batch(int readings, long seq = 1) =>
        "{\"v\":1,\"boot\":1,\"seq\":" + seq + ",\"t0\":1732600000000,\"bat\":3.9,\"r\":[" +
        string.Join(",", Enumerable.Range(0, readings).Select(i => $"[{i},1,1,1000,0]")) + "]}";
}
