using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Alerts.Config;
using Tracking.Gateway.Alerts.Influx;
using Tracking.Gateway.Alerts.Mqtt;
using Tracking.Gateway.Alerts.Webhooks;
using Tracking.Gateway.Api.Rules;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;
using Tracking.Influx;
using Tracking.Influx.Writing;
using Tracking.Mqtt;
using Tracking.Retry;

namespace Tracking.Gateway.Alerts.Hosting;

/// <summary>Composes the alert sinks into a host.</summary>
public static class AlertsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the sinks the <c>Alerts</c> section enables as <see cref="IAlertSink"/>s (the engine publishes to all):
    /// MQTT (needs <see cref="AddAlertMqttConnection"/>), InfluxDB (its own writer from the host's
    /// <c>IOptions&lt;InfluxOptions&gt;</c>) and, when <c>Alerts:Webhooks</c> lists any, the webhooks (each an
    /// <see cref="IAlertSink"/> of its own, <see cref="WebhookAlertSink.AlertSinks"/>). Options are validated at start.
    /// </summary>
    public static IServiceCollection AddAlertSinks(this IServiceCollection services, IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(AlertsOptions.Section);
        services.AddOptions<AlertsOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertsOptions>, AlertsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // Which sinks exist is decided here, from the same section, so a disabled sink opens no connection at all.
        AlertsOptions enabled = section.Get<AlertsOptions>() ?? new AlertsOptions();
        if (enabled.MqttEnabled)
        {
            services.TryAddSingleton<IAlertPublisher>(sp =>
            {
                AlertMqttConnection connection = sp.GetService<AlertMqttConnection>() ?? throw new InvalidOperationException(
                    "Alerts: the MQTT sink needs the broker settings: call services.AddAlertMqttConnection(...) or set Alerts:MqttEnabled=false");
                return new MqttAlertPublisher(connection.Build(sp), sp.GetService<ILogger<MqttClient>>(), sp.GetService<TimeProvider>());
            });
            services.AddSingleton(sp =>
            {
                AlertsOptions options = sp.GetRequiredService<IOptions<AlertsOptions>>().Value;
                return new MqttAlertSink(sp.GetRequiredService<IAlertPublisher>(), sp.GetService<IRuleStore>(), options.QueueCapacity,
                    sp.GetService<ILogger<MqttAlertSink>>(), options.DrainTimeout, options.OutboxDirectory);
            });
            services.AddSingleton<IAlertSink>(sp => sp.GetRequiredService<MqttAlertSink>());
            services.AddSingleton<IWarningSink>(sp => sp.GetRequiredService<MqttAlertSink>());
        }
        if (enabled.InfluxEnabled)
        {
            services.AddSingleton(sp =>
            {
                var writer = new InfluxWriter(sp.GetRequiredService<IOptions<InfluxOptions>>().Value, logger: sp.GetService<ILogger<InfluxWriter>>(),
                    timeProvider: sp.GetService<TimeProvider>());
                AlertsOptions options = sp.GetRequiredService<IOptions<AlertsOptions>>().Value;
                return new InfluxAlertSink(writer, options.QueueCapacity, sp.GetService<ILogger<InfluxAlertSink>>(), ownsWriter: true,
                    drainTimeout: options.DrainTimeout, spillDirectory: options.OutboxDirectory);
            });
            services.AddSingleton<IAlertSink>(sp => sp.GetRequiredService<InfluxAlertSink>());
            services.AddSingleton<IWarningSink>(sp => sp.GetRequiredService<InfluxAlertSink>());
        }
        if (enabled.Webhooks.Count > 0)
        {
            services.AddSingleton(sp =>
            {
                AlertsOptions options = sp.GetRequiredService<IOptions<AlertsOptions>>().Value;
                return new WebhookAlertSink(options.Webhooks, options.DcsaSource, new Backoff(options.RetryInitialDelay, options.RetryMaxDelay),
                    time: sp.GetService<TimeProvider>(), logger: sp.GetService<ILogger<WebhookAlertSink>>(),
                    drainTimeout: options.DrainTimeout, spillDirectory: options.OutboxDirectory);
            });
            // Each webhook is a sink of its own for the dispatcher: one whose queue refuses a notification (full, journal
            // unwritable) keeps it owed for itself only, and the other webhooks go on. Registered as both kinds of sink, the
            // same object: the dispatcher keeps its alert changes and warnings in one order.
            for (int i = 0; i < enabled.Webhooks.Count; i++)
            {
                int at = i;
                services.AddSingleton<IAlertSink>(sp => sp.GetRequiredService<WebhookAlertSink>().AlertSinks[at]);
                services.AddSingleton<IWarningSink>(sp => sp.GetRequiredService<WebhookAlertSink>().WarningSinks[at]);
            }
        }
        return services;
    }

    /// <summary>
    /// The retained tag config publisher (<see cref="MqttTagConfigPublisher"/>, protocol.md 4.4) as an
    /// <see cref="IProfileAssignmentListener"/> (the API tells it of assignments) and an <see cref="ITagSeenListener"/>
    /// (the rules feed tells it of tags), on the alert sinks' MQTT connection; nothing when Alerts:MqttEnabled or
    /// Alerts:ConfigEnabled is false. Call after <see cref="AddAlertSinks"/>.
    /// </summary>
    public static IServiceCollection AddTagConfigPublisher(this IServiceCollection services, IConfiguration configuration)
    {
        AlertsOptions enabled = configuration.GetSection(AlertsOptions.Section).Get<AlertsOptions>() ?? new AlertsOptions();
        if (!enabled.MqttEnabled || !enabled.ConfigEnabled) return services;
        services.AddSingleton(sp => new MqttTagConfigPublisher(sp.GetRequiredService<IAlertPublisher>(), sp.GetRequiredService<IRuleStore>(),
            sp.GetService<RuleEngine>(), sp.GetRequiredService<IOptions<AlertsOptions>>().Value,
            sp.GetService<IOptions<RulesOptions>>()?.Value.DefaultProfile, sp.GetService<ILogger<MqttTagConfigPublisher>>(), sp.GetService<ProfileDirectory>()));
        services.AddSingleton<IProfileAssignmentListener>(sp => sp.GetRequiredService<MqttTagConfigPublisher>());
        services.AddSingleton<ITagSeenListener>(sp => sp.GetRequiredService<MqttTagConfigPublisher>());
        return services;
    }

    /// <summary>
    /// The MQTT client options of the alert publisher's own connection, built by the host from its MQTT settings, e.g.
    /// client id <c>{Mqtt:ClientId}-alerts</c>, clean start, address/credentials/TLS through the gateway's MqttClientSecurity.Apply.
    /// </summary>
    public static IServiceCollection AddAlertMqttConnection(this IServiceCollection services, Func<IServiceProvider, MqttClientOptions> build)
    {
        services.AddSingleton(new AlertMqttConnection(build));
        return services;
    }
}
