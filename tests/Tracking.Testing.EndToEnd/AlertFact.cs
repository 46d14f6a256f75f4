namespace Tracking.Testing.EndToEnd;

/// <summary>One alert as compared: what it is about and its state, not its id or key.</summary>
public sealed record AlertFact(string Container, string Kind, string? Band, long SinceMs, string State)
{
    public override string ToString() =>
        $"{Container} {Kind} {Band} since {DateTimeOffset.FromUnixTimeMilliseconds(SinceMs):O} {State}";
}
