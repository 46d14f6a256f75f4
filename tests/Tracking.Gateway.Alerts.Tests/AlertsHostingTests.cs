using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Alerts.Hosting;
using Tracking.Gateway.Alerts.Influx;
using Tracking.Gateway.Alerts.Mqtt;
using Tracking.Gateway.Alerts.Webhooks;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Influx;
using Tracking.Mqtt;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>AddAlertSinks: which sinks it registers, and one line per bad option.</summary>
public sealed class AlertsHostingTests : IDisposable
{
    private readonly string _secretFile = Path.Combine(Path.GetTempPath(), "alerts-secret-" + Guid.NewGuid().ToString("N"));

    public AlertsHostingTests() => File.WriteAllText(_secretFile, "0123456789abcdef0123\n");

    public void Dispose() => File.Delete(_secretFile);

    private static ServiceProvider Build(Dictionary<string, string?> settings, bool mqtt = true)
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IOptions<InfluxOptions>>(new OptionsWrapper<InfluxOptions>(new InfluxOptions { Database = "tracking" }));
        if (mqtt) services.AddAlertMqttConnection(_ => new MqttClientOptions { ClientId = "gw-1-alerts" });
        services.AddAlertSinks(config);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Every_enabled_sink_is_an_IAlertSink()
    {
        await using ServiceProvider provider = Build(new()
        {
            ["Alerts:Webhooks:0:Url"] = "http://127.0.0.1:9/hook",
            ["Alerts:Webhooks:0:Format"] = "dcsa",
            ["Alerts:Webhooks:0:SecretFile"] = _secretFile,
            ["Alerts:Webhooks:1:Url"] = "http://127.0.0.1:9/other",
            ["Alerts:Webhooks:1:SecretFile"] = _secretFile,
        });
        IAlertSink[] sinks = [.. provider.GetServices<IAlertSink>()];
        // Each webhook is a sink of its own, so that one whose queue refuses a notification holds up only itself.
        Assert.Collection(sinks, s => Assert.IsType<MqttAlertSink>(s), s => Assert.IsType<InfluxAlertSink>(s),
            s => Assert.Same(provider.GetRequiredService<WebhookAlertSink>().AlertSinks[0], s),
            s => Assert.Same(provider.GetRequiredService<WebhookAlertSink>().AlertSinks[1], s));
        // And each the same object as a warning sink: the dispatcher keeps its alert changes and warnings in one order.
        Assert.Equal([.. sinks], provider.GetServices<IWarningSink>().Cast<object>());
        Assert.Equal(WebhookFormat.Dcsa, provider.GetRequiredService<IOptions<AlertsOptions>>().Value.Webhooks[0].Format);
    }

    [Fact]
    public async Task Disabled_sinks_are_not_registered_and_mqtt_needs_the_hosts_connection()
    {
        await using ServiceProvider none = Build(new() { ["Alerts:MqttEnabled"] = "false", ["Alerts:InfluxEnabled"] = "false" }, mqtt: false);
        Assert.Empty(none.GetServices<IAlertSink>());

        await using ServiceProvider missing = Build(new() { ["Alerts:InfluxEnabled"] = "false" }, mqtt: false);
        var error = Assert.Throws<InvalidOperationException>(() => missing.GetServices<IAlertSink>().ToArray());
        Assert.Contains("AddAlertMqttConnection", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_values_give_one_line_each()
    {
        var options = new AlertsOptions
        {
            QueueCapacity = 0,
            RetryInitialDelay = TimeSpan.FromSeconds(10),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            Webhooks =
            [
                new WebhookOptions { Url = "ftp://example.org/", SecretFile = "", Timeout = TimeSpan.Zero, QueueCapacity = 0 },
                new WebhookOptions { Url = "https://example.org/hook", SecretFile = "/nonexistent/secret" },
            ],
        };
        ValidateOptionsResult result = new AlertsOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        string[] failures = [.. result.Failures!];
        Assert.Equal(7, failures.Length);
        Assert.Contains(failures, f => f.StartsWith("Alerts:QueueCapacity 0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Alerts:RetryMaxDelay", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Alerts:Webhooks:0:Url 'ftp://example.org/'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Alerts:Webhooks:0:SecretFile is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Alerts:Webhooks:0:Timeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Alerts:Webhooks:0:QueueCapacity", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Alerts:Webhooks:1:SecretFile '/nonexistent/secret' cannot be read", StringComparison.Ordinal));
        Assert.True(new AlertsOptionsValidator().Validate(null, new AlertsOptions()).Succeeded);
    }
}
