using System.Text.Json.Serialization;

namespace Tracking.Gateway.Api.Health;

/// <summary>Source-generated serialization of <see cref="HealthReport"/> (no reflection on the request path).</summary>
[JsonSerializable(typeof(HealthReport))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class HealthJson : JsonSerializerContext;
