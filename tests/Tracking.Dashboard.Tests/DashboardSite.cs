using Tracking.Testing;

namespace Tracking.Dashboard.Tests;

/// <summary>The built dashboard the tests serve: gateway/dashboard/dist, which must exist (never a silent skip).</summary>
public static class DashboardSite
{
    public static string Dist => RepoPaths.Of("gateway", "dashboard", "dist");

    /// <summary>The dist folder; fails the test with how to build it when it is missing.</summary>
    public static string Require()
    {
        Assert.True(File.Exists(Path.Combine(Dist, "index.html")),
            $"the dashboard is not built ({Dist}/index.html missing): run `npm ci && npm run build` in gateway/dashboard, "
            + "or build this test project with npm on PATH (its BuildDashboard target does it)");
        return Dist;
    }

    /// <summary>Where screenshots go: TRACKING_TEST_ARTIFACTS, else .local/test-results/dashboard (scripts/test's results folder).</summary>
    public static string Artifacts()
    {
        string dir = Environment.GetEnvironmentVariable("TRACKING_TEST_ARTIFACTS") is { Length: > 0 } env
            ? env
            : RepoPaths.Of(".local", "test-results", "dashboard");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
