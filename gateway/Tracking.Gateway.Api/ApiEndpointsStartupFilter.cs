using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Tracking.Gateway.Api;

/// <summary>Adds the API's endpoints (<see cref="HealthEndpoints"/>) to the request pipeline ahead of the host's own.</summary>
internal sealed class ApiEndpointsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseRouting();
        app.UseEndpoints(endpoints => endpoints.MapHealthEndpoints());
        next(app);
    };
}
