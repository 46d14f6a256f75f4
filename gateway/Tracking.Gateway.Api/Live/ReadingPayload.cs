using System.Text.Json;
using Tracking.Gateway.Api.Live.Dto;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Gateway.Rules;

namespace Tracking.Gateway.Api.Live;

/// <summary>A <c>reading</c> event's data, kept as the readings until a client is sent it.</summary>
internal sealed class ReadingPayload(ContainerKey key, string tag, LiveReading[] readings) : IStreamPayload
{
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new ReadingEventDto
    {
        Fleet = key.Fleet, Container = key.Container, Tag = tag, Readings = [.. readings.Select(LiveBoard.Point)],
    }, LiveApiJson.Default.ReadingEventDto);
}
