using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Api.Live;
using Tracking.Gateway.Api.Live.Stream;
using Tracking.Gateway.Api.Rules;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Input;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Store;
using Tracking.Testing;

namespace Tracking.Gateway.Api.Tests.Support;

/// <summary>
/// The API room alone on a TestServer: the rules engine on the in-memory store with a manual clock, a recording
/// assignment listener and alert sink, and a token file holding <see cref="Token"/> (or none).
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    public const string Token = "operator-token-0123456789";
    public static readonly ContainerKey Box = new("acme", "CSQU3054383");

    private readonly WebApplication _app;
    private readonly string? _tokenFile;
    private uint _seq;

    private ApiHost(WebApplication app, string? tokenFile, Fakes fakes)
    {
        _app = app;
        _tokenFile = tokenFile;
        (Store, Time, Listener, Sink, Logs) = (fakes.Store, fakes.Time, fakes.Listener, fakes.Sink, fakes.Logs);
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }
    public InMemoryRuleStore Store { get; }
    public ManualTimeProvider Time { get; }
    public RecordingListener Listener { get; }
    public RecordingAlertSink Sink { get; }
    public CollectingLoggerProvider Logs { get; }
    public RuleEngine Engine => _app.Services.GetRequiredService<RuleEngine>();
    public LiveBoard Board => _app.Services.GetRequiredService<LiveBoard>();
    public StreamHub Hub => _app.Services.GetRequiredService<StreamHub>();

    /// <param name="services">Replacements after the rooms' own (an <c>IReadingHistory</c>, Live settings).</param>
    public static async Task<ApiHost> StartAsync(bool withTokenFile = true, string? tokenFileText = null, Action<IServiceCollection>? services = null,
        Dictionary<string, string?>? settings = null)
    {
        string? file = null;
        if (withTokenFile)
        {
            file = Path.Combine(Path.GetTempPath(), $"api-tokens-{Guid.NewGuid():N}");
            await File.WriteAllTextAsync(file, tokenFileText ?? $"# operators\n\n{Token}\n  another-token-abcdefghijkl  \n");
        }
        settings = new Dictionary<string, string?>(settings ?? []) { ["Rules:Store:Kind"] = "memory", ["Api:TokenFile"] = file };
        // The clock is moved by hand here: a write interval would hold every stream's second write until a test moved it.
        // The write coalescing's own tests set one.
        settings.TryAdd("Live:StreamWriteInterval", "0");
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        var parts = new Fakes(new InMemoryRuleStore(), new ManualTimeProvider(), new RecordingListener(), new RecordingAlertSink(),
            new CollectingLoggerProvider());
        builder.Logging.ClearProviders().AddProvider(parts.Logs);
        builder.Services.AddSingleton<TimeProvider>(parts.Time);
        builder.Services.AddSingleton<IRuleStore>(parts.Store);
        builder.Services.AddSingleton<IProfileAssignmentListener>(parts.Listener);
        builder.Services.AddSingleton<IAlertSink>(parts.Sink);
        builder.Services.AddRules(builder.Configuration).AddApi<HealthyStatus>().AddRulesApi(builder.Configuration).AddLiveApi(builder.Configuration);
        services?.Invoke(builder.Services);
        WebApplication app = builder.Build();
        await app.StartAsync();
        return new ApiHost(app, file, parts);
    }

    /// <summary>A request with the operator token (or the one given).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body = null, string? token = Token)
    {
        using var request = new HttpRequestMessage(method, url);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is string raw) request.Content = new StringContent(raw, System.Text.Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body);
        return await Client.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>
    /// Readings of tag7 of <see cref="Box"/>, 5 minutes apart from the clock's now, each feed's seq following the last
    /// feed's (consecutive: known time).
    /// </summary>
    public Task FeedAsync(params double[] temps) => FeedAsync(Box, temps);

    public Task FeedAsync(ContainerKey box, params double[] temps)
    {
        long t0 = Time.GetUtcNow().ToUnixTimeMilliseconds();
        RuleInput[] batch = [.. temps.Select((t, i) => RuleInput.Reading(box, "tag7", 1, _seq++, t0 + (i * 300_000L), t))];
        return Engine.ProcessAsync(batch);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_tokenFile is not null) File.Delete(_tokenFile);
    }
}
