namespace Tracking.Gateway.Api.Dashboard;

/// <summary>The "Dashboard" settings section: where the built operators' dashboard (gateway/dashboard) is served from.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>The folder of the built site (its index.html); null: <c>dashboard/</c> beside the gateway's binary.</summary>
    public string? Directory { get; set; }

    /// <summary>The folder in use: <see cref="Directory"/>, else the default beside the binary.</summary>
    public string Resolve() => Path.GetFullPath(Directory ?? Path.Combine(AppContext.BaseDirectory, "dashboard"));
}
