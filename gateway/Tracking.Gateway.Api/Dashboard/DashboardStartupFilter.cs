using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tracking.Gateway.Api.Dashboard;

/// <summary>
/// Serves the built dashboard as static files after the API's endpoints (a path no endpoint takes): <c>/</c> is its
/// index.html. Without a built site, <c>/</c> answers 503 with how to build it, and the start logs it (event 880).
/// </summary>
internal sealed class DashboardStartupFilter(IOptions<DashboardOptions> options, ILoggerFactory loggers) : IStartupFilter
{
    /// <summary>
    /// Only this origin: the site bundles every asset (no CDN), so anything from elsewhere is a mistake or an injection.
    /// Inline styles stay allowed: uPlot and the virtualised table position elements through style attributes.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

    public const string NotBuiltMessage =
        "The dashboard is not built: run `npm ci && npm run build` in gateway/dashboard (scripts/run and scripts/test do it), "
        + "rebuild the gateway, or point Dashboard:Directory at the built dist folder.";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        string root = options.Value.Resolve();
        ILogger logger = loggers.CreateLogger(Log.Category);
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            Log.DashboardNotBuilt(logger, root);
            app.Use(async (http, nextMiddleware) =>
            {
                if (http.Request.Path == "/" || http.Request.Path == "/index.html")
                {
                    http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    http.Response.ContentType = "text/plain; charset=utf-8";
                    await http.Response.WriteAsync(NotBuiltMessage + "\n");
                    return;
                }
                await nextMiddleware(http);
            });
            return;
        }

        Log.DashboardServed(logger, root);
        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = ctx =>
            {
                // File names carry no hash: the browser revalidates (an ETag round trip) so a new build shows at once.
                ctx.Context.Response.Headers.CacheControl = "no-cache";
                ctx.Context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                ctx.Context.Response.Headers.XContentTypeOptions = "nosniff";
            },
        });
    };
}
