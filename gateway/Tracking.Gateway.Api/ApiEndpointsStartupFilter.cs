using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Tracking.Gateway.Api;

/// <summary>
/// Adds the API's endpoints (<see cref="HealthEndpoints"/> and each registered <see cref="IApiEndpointGroup"/>) to the
/// request pipeline ahead of the host's own.
/// </summary>
internal sealed class ApiEndpointsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        IApiEndpointGroup[] groups = [.. app.ApplicationServices.GetServices<IApiEndpointGroup>()];
        if (groups.Length > 0)
        {
            // Routing's own refusals under /api (no such route, wrong method) have no body: they become problem details
            // too, so that every 4xx of the API is one.
            app.UseWhen(http => http.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
        }
        app.UseRouting();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapHealthEndpoints();
            foreach (IApiEndpointGroup group in groups) group.Map(endpoints);
        });
        next(app);
    };
}
