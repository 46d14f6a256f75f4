using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Tracking.Gateway.Api.Rules;

namespace Tracking.Gateway.Api.Auth;

/// <summary>
/// The GETs of <c>/api/v1</c>: open (every fleet) while no token of the token file is limited to fleets; once one is,
/// a GET needs a token too and sees only that token's fleets (docs/api.md, "Tokens and fleets"). A GET that sends a
/// token always has it checked, so a wrong token is never silently treated as none.
/// </summary>
internal sealed class ReadAccessFilter(ApiTokens tokens) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpContext http = context.HttpContext;
        // Mutating calls are OperatorTokenFilter's (one check of the token per request).
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)) return await next(context);
        string header = http.Request.Headers.Authorization.ToString();
        // Without a token file there is nothing to check a token against, and nothing is scoped: GETs stay open.
        if (tokens.TokenFile is null || (header.Length == 0 && !tokens.AnyScoped))
        {
            FleetScope.Set(http, FleetScope.All);
            return await next(context);
        }
        (FleetScope? scope, string? reason) = OperatorTokenFilter.Check(tokens, header);
        if (scope is not null)
        {
            FleetScope.Set(http, scope);
            return await next(context);
        }
        http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return Problems.Unauthorized(tokens.AnyScoped && header.Length == 0
            ? "tokens limited to fleets are configured: GETs need an Authorization: Bearer <token> header too"
            : reason!);
    }
}
