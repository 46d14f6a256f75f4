using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Tracking.Gateway.Api.Rules;

namespace Tracking.Gateway.Api.Auth;

/// <summary>
/// Lets a mutating call through only with <c>Authorization: Bearer T</c> and T one of <see cref="ApiTokens"/>; runs
/// before the handler reads the body, so an unauthenticated caller costs no parsing. Sets the token's
/// <see cref="FleetScope"/> for the handler.
/// </summary>
internal sealed class OperatorTokenFilter(ApiTokens tokens) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        (FleetScope? scope, string? reason) = Check(tokens, context.HttpContext.Request.Headers.Authorization.ToString());
        if (scope is not null)
        {
            FleetScope.Set(context.HttpContext, scope);
            return await next(context);
        }
        context.HttpContext.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return Problems.Unauthorized(reason!);
    }

    /// <summary>The scope of the header's token, or why there is none.</summary>
    internal static (FleetScope? Scope, string? Reason) Check(ApiTokens tokens, string header)
    {
        if (tokens.TokenFile is null) return (null, "no API token file is configured (--api-token-file): mutating calls are refused");
        if (header.Length == 0) return (null, "an Authorization: Bearer <token> header is required");
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return (null, "the Authorization header must be Bearer <token>");
        return tokens.ScopeOf(header[Scheme.Length..].Trim()) is { } scope ? (scope, null) : (null, "the token is not one of the API tokens");
    }
}
