using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Api.Health;

namespace Tracking.Gateway.Api;

/// <summary><c>GET /healthz</c> (200 or 503 with the reasons) and <c>GET /metrics</c> (Prometheus text).</summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", (HttpContext http) =>
        {
            IReadOnlyList<string> problems = http.RequestServices.GetRequiredService<IGatewayStatus>().HealthProblems();
            http.Response.StatusCode = problems.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            http.Response.ContentType = "application/json";
            return http.Response.WriteAsync(JsonSerializer.Serialize(new HealthReport(problems.Count == 0 ? "ok" : "unhealthy", problems),
                HealthJson.Default.HealthReport));
        });
        endpoints.MapGet("/metrics", (HttpContext http) => MetricsPage.WriteAsync(http, http.RequestServices.GetRequiredService<IGatewayStatus>()));
        return endpoints;
    }
}
