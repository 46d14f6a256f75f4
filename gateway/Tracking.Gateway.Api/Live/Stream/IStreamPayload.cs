namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// The data of a stream event other than readings (states, alerts, warnings, profiles, tag statuses), serialized when a
/// client is first sent it (<see cref="StreamEvent.Frame"/>), once for all clients. Readings are framed when their batch
/// closes (<see cref="ReadingBatch"/>).
/// </summary>
public interface IStreamPayload
{
    /// <summary>The event's data as UTF-8 JSON (one line: JSON escapes newlines).</summary>
    byte[] ToJson();
}
