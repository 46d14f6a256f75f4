using Microsoft.AspNetCore.Http;

namespace Tracking.Gateway.Api;

/// <summary>
/// Gives routing's own refusals under /api (no such route, another method, a body that is not JSON: written by the
/// status code pages with no detail) a <c>detail</c> naming the reason, as docs/api.md "Errors" promises for every 4xx.
/// The API's own problems already carry one and are left alone.
/// </summary>
internal static class RoutingProblemDetails
{
    public static void Customize(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Detail is not null) return;
        HttpRequest request = context.HttpContext.Request;
        string path = request.PathBase.Add(request.Path).Value ?? "";
        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => $"no such route: {request.Method} {path}",
            StatusCodes.Status405MethodNotAllowed => $"{path} does not take {request.Method}",
            StatusCodes.Status415UnsupportedMediaType => $"the body must be application/json, not {request.ContentType ?? "none"}",
            _ => context.ProblemDetails.Title,
        };
    }
}
