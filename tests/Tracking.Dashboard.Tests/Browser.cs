using Microsoft.Playwright;

namespace Tracking.Dashboard.Tests;

/// <summary>
/// Debian's chromium under Playwright. Playwright cannot download its own browsers here, so it is pointed at the
/// system's (CHROMIUM, else /usr/bin/chromium); a missing browser fails with how to install it.
/// </summary>
public static class Browser
{
    public static string Executable()
    {
        string path = Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } env ? env : "/usr/bin/chromium";
        Assert.True(File.Exists(path), $"no chromium at {path}: apt-get install -y chromium (scripts/test installs it as root), or set CHROMIUM");
        return path;
    }

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable(),
            Headless = true,
            // Tests run as root in CI, where chromium refuses its sandbox; the pages are the project's own.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }
}
