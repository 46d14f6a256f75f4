using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Tracking.Gateway.Api.Rules;

namespace Tracking.Gateway.Api.Auth;

/// <summary>
/// Lets a mutating call through only with <c>Authorization: Bearer T</c> and T one of <see cref="ApiTokens"/>; runs
/// before the handler reads the body, so an unauthenticated caller costs no parsing.
/// </summary>
internal sealed class OperatorTokenFilter(ApiTokens tokens) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        string? reason = Check(context.HttpContext.Request.Headers.Authorization.ToString());
        if (reason is null) return await next(context);
        context.HttpContext.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return Problems.Unauthorized(reason);
    }

    private string? Check(string header)
    {
        if (tokens.TokenFile is null) return "no API token file is configured (--api-token-file): mutating calls are refused";
        if (header.Length == 0) return "an Authorization: Bearer <token> header is required";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return "the Authorization header must be Bearer <token>";
        return tokens.Accepts(header[Scheme.Length..].Trim()) ? null : "the token is not one of the API tokens";
    }
}
