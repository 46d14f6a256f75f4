using System.Text.Json.Serialization;
using Tracking.Gateway.Rules.Alerts;

namespace Tracking.Gateway.Api.Rules;

/// <summary>
/// Source-generated serialization of the API's bodies. A request field the DTO does not have is refused (a typo such as
/// <c>"delays_s"</c> would otherwise be dropped silently and the default used); NaN and infinities are not JSON.
/// </summary>
[JsonSerializable(typeof(ProfileDto))]
[JsonSerializable(typeof(IReadOnlyList<ProfileDto>))]
[JsonSerializable(typeof(AssignmentDto))]
[JsonSerializable(typeof(AcknowledgeDto))]
[JsonSerializable(typeof(AlertDto))]
[JsonSerializable(typeof(IReadOnlyList<AlertDto>))]
[JsonSerializable(typeof(SummaryDto))]
[JsonSerializable(typeof(WarningsDto))]
[JsonSerializable(typeof(FleetProfileDto))]
[JsonSerializable(typeof(TripStartDto))]
[JsonSerializable(typeof(TripEndDto))]
[JsonSerializable(typeof(TripDto))]
[JsonSerializable(typeof(IReadOnlyList<TripDto>))]
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectNullableAnnotations = true)]
internal sealed partial class RulesApiJson : JsonSerializerContext;
