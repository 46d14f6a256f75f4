using Microsoft.Extensions.Options;

namespace Tracking.Gateway.Api.Dashboard;

/// <summary>
/// A folder named explicitly must hold a built site: a typo should stop the start, not serve nothing. The default folder
/// may be missing (a gateway built without node); the dashboard then answers 503 saying how to build it.
/// </summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions o)
    {
        if (o.Directory is null) return ValidateOptionsResult.Success;
        if (o.Directory.Length == 0) return ValidateOptionsResult.Fail("Dashboard:Directory must not be empty (leave it out for the default)");
        string index = Path.Combine(o.Resolve(), "index.html");
        return File.Exists(index)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Dashboard:Directory '{o.Directory}' has no index.html: build the dashboard (npm ci && npm run build in gateway/dashboard) and name its dist folder");
    }
}
