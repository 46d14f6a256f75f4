using System.Text.Json;

namespace TagSimulator.Manifest;

/// <summary>
/// Reads manifest and payload fields without throwing: each returns false with a reason naming the field when the
/// element is missing or of another kind, so a decoder built on them turns any JSON into a value or a reason.
/// </summary>
internal static class JsonFields
{
    public static bool Long(JsonElement e, string name, out long value, out string? error)
    {
        value = 0;
        error = e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out value) ? null : name + ": expected an integer";
        return error is null;
    }

    public static bool NullableLong(JsonElement e, string name, out long? value, out string? error)
    {
        value = null;
        if (e.ValueKind == JsonValueKind.Null)
        {
            error = null;
            return true;
        }
        bool ok = Long(e, name, out long v, out error);
        value = ok ? v : null;
        return ok;
    }

    public static bool NullableDouble(JsonElement e, string name, out double? value, out string? error)
    {
        value = null;
        error = null;
        if (e.ValueKind == JsonValueKind.Null) return true;
        // TryGetDouble refuses numbers beyond double's range, so every accepted value is finite
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double v))
        {
            value = v;
            return true;
        }
        error = name + ": expected a number or null";
        return false;
    }

    public static bool Bool(JsonElement e, string name, out bool value, out string? error)
    {
        value = e.ValueKind == JsonValueKind.True;
        error = value || e.ValueKind == JsonValueKind.False ? null : name + ": expected true or false";
        return error is null;
    }

    public static bool String(JsonElement e, string name, out string value, out string? error)
    {
        value = "";
        error = name + ": expected a string";
        if (e.ValueKind != JsonValueKind.String) return false;
        try
        {
            value = e.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // invalid UTF-8 or an unpaired surrogate escape: the text has no UTF-16 form
            error = name + ": not valid Unicode text";
            return false;
        }
        error = null;
        return true;
    }

    public static bool Property(JsonElement obj, string name, out JsonElement value, out string? error)
    {
        if (!Optional(obj, name, out value, out error)) return false;
        error = value.ValueKind == JsonValueKind.Undefined ? name + ": missing" : null;
        return error is null;
    }

    /// <summary>
    /// Looks a property up; true with an Undefined value when it is absent. False with a reason when the object holds
    /// a name with an unpaired surrogate escape: the lookup unescapes names to compare them and throws on one.
    /// </summary>
    public static bool Optional(JsonElement obj, string name, out JsonElement value, out string? error)
    {
        value = default;
        error = null;
        if (obj.ValueKind != JsonValueKind.Object)
        {
            error = "expected an object holding " + name;
            return false;
        }
        try
        {
            if (!obj.TryGetProperty(name, out value)) value = default;
            return true;
        }
        catch (InvalidOperationException)
        {
            error = "a property name is not valid Unicode text";
            return false;
        }
    }

    public static bool Array(JsonElement e, string name, int minLength, out string? error)
    {
        error = e.ValueKind == JsonValueKind.Array && e.GetArrayLength() >= minLength ? null
            : minLength == 0 ? name + ": expected an array" : name + ": expected an array of at least " + minLength;
        return error is null;
    }

    /// <summary>Parses a whole document; null with the parser's reason when it is not JSON.</summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> json, out string? error)
    {
        try
        {
            error = null;
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            error = "not JSON: " + e.Message;
            return null;
        }
    }
}
