namespace Tracking.Influx.Tests.Support;

/// <summary>What a fake server answers.</summary>
public sealed record CannedResponse(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static readonly CannedResponse NoContent = new(204);
}
