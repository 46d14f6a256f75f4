using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Live.Dto;

/// <summary>Source-generated serialization of the live API's bodies and stream events.</summary>
[JsonSerializable(typeof(ContainerPageDto))]
[JsonSerializable(typeof(ReadingsDto))]
[JsonSerializable(typeof(StateEventDto))]
[JsonSerializable(typeof(AlertEventDto))]
[JsonSerializable(typeof(WarningEventDto))]
[JsonSerializable(typeof(ProfileEventDto))]
[JsonSerializable(typeof(TagStatusEventDto))]
[JsonSerializable(typeof(LegsDto))]
[JsonSerializable(typeof(StreamNoticeDto))]
internal sealed partial class LiveApiJson : JsonSerializerContext;
