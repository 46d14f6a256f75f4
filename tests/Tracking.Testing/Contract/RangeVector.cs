namespace Tracking.Testing.Contract;

/// <summary>
/// A wire value of one field (<c>temp</c>, <c>rh</c>, <c>pressure</c>, <c>peak_g</c>, <c>bat</c>, <c>rssi</c>,
/// <c>life_d</c>) as JSON text. <paramref name="Valid"/>: the gateway accepts it. <paramref name="TagSends"/>: the JSON
/// the tag sends when its sensor reads the value (the value, <c>null</c>, or the saturated peak); null where the tag
/// does not measure the field.
/// </summary>
public sealed record RangeVector(string Field, string Value, bool Valid, string? TagSends)
{
    public override string ToString() => $"{Field} = {Value}";
}
