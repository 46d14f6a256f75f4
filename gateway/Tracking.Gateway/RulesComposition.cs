using Microsoft.Extensions.Options;
using Tracking.Gateway.Alerts.Hosting;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Consumers;
using Tracking.Gateway.History;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Report;
using Tracking.Gateway.Rules.Store;
using Tracking.Mqtt;

namespace Tracking.Gateway;

/// <summary>
/// The rules room in the gateway: the engine with its store, fed by its own spool reader, and its alerts sent out through
/// the sinks the "Alerts" section enables (MQTT on a connection of their own, InfluxDB, webhooks).
/// </summary>
public static class RulesComposition
{
    public static IServiceCollection AddRulesFeed(this IServiceCollection services, IConfiguration config)
    {
        services.AddRules(config);
        // The gateway's state lives with its spool unless configured elsewhere: one directory to back up or move, and
        // two gateways (or two tests) with two spools never share a SQLite file by accident.
        services.AddOptions<RuleStoreOptions>().PostConfigure<IOptions<SpoolOptions>>((store, spool) =>
        {
            if (string.IsNullOrEmpty(config[$"{RuleStoreOptions.SectionName}:SqlitePath"]))
            {
                store.SqlitePath = Path.Combine(spool.Value.Directory, "rules.db");
            }
        });
        services.AddAlertSinks(config);
        // What the alert queues cannot deliver before a stop is kept beside the spool too, and queued again at the next start.
        services.AddOptions<AlertsOptions>().PostConfigure<IOptions<SpoolOptions>>((alerts, spool) =>
        {
            if (string.IsNullOrEmpty(alerts.OutboxDirectory)) alerts.OutboxDirectory = Path.Combine(spool.Value.Directory, "alerts-outbox");
        });
        services.AddAlertMqttConnection(sp =>
        {
            // Its own connection (clean, acknowledging by itself) beside the pipeline's, with the same address and security.
            MqttOptions mqtt = sp.GetRequiredService<IOptions<MqttOptions>>().Value;
            var options = new MqttClientOptions
            {
                ClientId = mqtt.ClientId + "-alerts",
                CleanStart = true,
                KeepAlive = TimeSpan.FromSeconds(mqtt.KeepAliveSeconds),
                MaximumPacketSize = mqtt.MaxPacketBytes,
            };
            MqttClientSecurity.Apply(mqtt, options);
            return options;
        });
        // Trip reports (GET /api/v1/containers/{container}/report) read the time series back from InfluxDB.
        services.AddTripReports(config);
        services.AddInfluxReadingHistory();
        // The retained tag config (protocol.md 4.4) on the same connection: told of assignments by the API and of tags by the feed.
        services.AddTagConfigPublisher(config);
        services.AddSingleton<RulesFeed>();
        // Rules:Enabled false: the engine, its store and API stay (alerts and profiles remain readable), but nothing feeds
        // it: no rules spool reader (the spool no longer keeps records for it) and no silence timer (see RulesTimerService).
        if (config.GetValue($"{RulesOptions.Section}:{nameof(RulesOptions.Enabled)}", true))
        {
            services.AddSingleton<ISpoolConsumer>(sp => sp.GetRequiredService<RulesFeed>());
        }
        return services;
    }
}
