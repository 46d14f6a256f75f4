namespace Tracking.Gateway.Api.Auth;

/// <summary>Endpoint metadata of the calls behind <see cref="OperatorTokenFilter"/>, so the OpenAPI document can say which need the token.</summary>
public sealed class OperatorTokenRequired
{
    public static OperatorTokenRequired Instance { get; } = new();

    private OperatorTokenRequired()
    {
    }
}
