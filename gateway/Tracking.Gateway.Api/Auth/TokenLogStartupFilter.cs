using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tracking.Gateway.Api.Auth;

/// <summary>
/// Reads the token file when the pipeline is built (after the options were validated) and says at start whether the
/// mutating calls can be used at all: an operator wondering why every PUT gets 401 finds the reason in the log.
/// </summary>
internal sealed class TokenLogStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        ApiTokens tokens = app.ApplicationServices.GetRequiredService<ApiTokens>();
        ILogger logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(Log.Category);
        if (tokens.TokenFile is null) Log.NoTokenFile(logger);
        else Log.TokensRead(logger, tokens.Count, tokens.TokenFile);
        next(app);
    };
}
