using System.Text.Json;
using System.Text.Json.Serialization;
using Tracking.Gateway.Rules.Profiles;

namespace Tracking.Gateway.Rules.Store;

/// <summary>
/// How the SQL stores keep a profile: one JSON document per profile, so a new profile field needs no migration (a missing
/// field reads as its default). snake_case names and enum names as text keep stored documents readable and independent of
/// the enums' numbering; named floating-point literals let any double the model holds round-trip.
/// </summary>
internal static class ProfileJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Band.Name is derived from the other fields: storing it would only let the two disagree.
        IgnoreReadOnlyProperties = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    public static string Serialize(Profile profile) => JsonSerializer.Serialize(profile, Options);

    public static Profile Deserialize(string json) =>
        JsonSerializer.Deserialize<Profile>(json, Options) ?? throw new JsonException("a stored profile is JSON null");
}
