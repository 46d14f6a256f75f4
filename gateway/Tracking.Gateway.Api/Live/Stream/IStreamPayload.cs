namespace Tracking.Gateway.Api.Live.Stream;

/// <summary>
/// The data of a stream event, serialized only when a client is sent it (<see cref="StreamEvent.Frame"/>): the live feed
/// publishes an event per telemetry message, and while nobody watches, that must cost an object, not a JSON document.
/// </summary>
public interface IStreamPayload
{
    /// <summary>The event's data as UTF-8 JSON (one line: JSON escapes newlines).</summary>
    byte[] ToJson();
}
