using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Report;
using Tracking.Gateway.Rules.Store;
using Tracking.Testing;

namespace Tracking.Gateway.Api.Tests.Support;

/// <summary>
/// The API room on a TestServer for the trip report: the rules on the in-memory store, a manual clock, and a
/// <see cref="FakeHistory"/> as the time series (or none registered at all).
/// </summary>
public sealed class ReportApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ReportApiHost(WebApplication app, InMemoryRuleStore store, FakeHistory? history)
    {
        _app = app;
        Store = store;
        History = history;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }
    public InMemoryRuleStore Store { get; }
    public FakeHistory? History { get; }

    public static async Task<ReportApiHost> StartAsync(bool withHistory = true, Dictionary<string, string?>? settings = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Rules:Store:Kind"] = "memory" });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        var store = new InMemoryRuleStore();
        FakeHistory? history = withHistory ? new FakeHistory() : null;
        builder.Services.AddSingleton<TimeProvider>(new ManualTimeProvider());
        builder.Services.AddSingleton<IRuleStore>(store);
        if (history is not null) builder.Services.AddSingleton<IReadingHistory>(history);
        builder.Services.AddRules(builder.Configuration).AddTripReports(builder.Configuration).AddApi<HealthyStatus>()
            .AddRulesApi(builder.Configuration);
        WebApplication app = builder.Build();
        await app.StartAsync();
        return new ReportApiHost(app, store, history);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
