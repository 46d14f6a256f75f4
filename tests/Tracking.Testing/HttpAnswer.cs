using System.Net;

namespace Tracking.Testing;

/// <summary>What a server answered to one GET of a poll (<see cref="HttpPoll"/>): status and body.</summary>
public sealed record HttpAnswer(HttpStatusCode Status, string Body)
{
    public bool IsSuccess => (int)Status is >= 200 and <= 299;

    public override string ToString() => $"{(int)Status} {Body}";
}
