namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>Data serialized already (rare events: states, alerts, warnings).</summary>
public sealed class JsonPayload(byte[] json) : IStreamPayload
{
    public byte[] ToJson() => json;
}
