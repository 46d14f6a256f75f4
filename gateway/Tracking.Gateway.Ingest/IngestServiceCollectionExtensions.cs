using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Influx;

namespace Tracking.Gateway.Ingest;

/// <summary>Registers the ingest room: its settings sections, validated once at start, and the pipeline service (MQTT to spool to InfluxDB).</summary>
public static class IngestServiceCollectionExtensions
{
    public static IServiceCollection AddIngest(this IServiceCollection services, IConfiguration config)
    {
        // Reads the password, CA, certificate and key files at start, so a missing one stops the start (exit 2).
        services.AddSettings<MqttOptions>(config, MqttOptions.SectionName, o =>
        {
            o.Validate();
            MqttClientSecurity.Apply(o, new Tracking.Mqtt.MqttClientOptions());
        });
        services.AddSettings<IngestOptions>(config, IngestOptions.SectionName, o => o.Validate());
        services.AddSettings<WriterOptions>(config, WriterOptions.SectionName, o => o.Validate());
        services.AddSettings<SpoolOptions>(config, SpoolOptions.SectionName, o => o.Validate());
        services.AddSettings<InfluxOptions>(config, InfluxOptions.SectionName, bind: o => BindInflux(o, config), validate: o =>
        {
            o.Validate();
            // WriterStage writes each batch once and InfluxWriter retries until the lines are settled (the spool holds
            // them meanwhile): a writer that gave up would leave the stage nothing to do with the lines.
            if (o.Retry.MaxAttempts is not null)
            {
                throw new ArgumentException("Influx:Retry:MaxAttempts must stay unset: the gateway retries until InfluxDB takes the lines");
            }
        });
        services.AddSettings<HealthOptions>(config, HealthOptions.SectionName, o => o.Validate());
        services.AddSettings<DeadLetterOptions>(config, DeadLetterOptions.SectionName, o => o.Validate());
        services.AddSettings<TagRateLimitOptions>(config, TagRateLimitOptions.SectionName, o => o.Validate());
        // The one clock of the room (GatewayService hands it to the stages, the health checks and the clients).
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayService>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayService>());
        return services;
    }

    /// <summary>
    /// One section: bound from configuration, checked by a <see cref="SettingsValidator{TOptions}"/> when the host starts
    /// (ValidateOnStart), and built once: <see cref="IOptions{TOptions}"/> hands out the validated instance of the
    /// options monitor instead of binding, reading secret files and validating a second time.
    /// </summary>
    private static void AddSettings<TOptions>(this IServiceCollection services, IConfiguration config, string section,
        Action<TOptions> validate, Action<TOptions>? bind = null)
        where TOptions : class
    {
        services.AddOptions<TOptions>().Configure(bind ?? (o => config.GetSection(section).Bind(o))).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new SettingsValidator<TOptions>(section, validate));
        services.AddSingleton<IOptions<TOptions>>(sp => new OptionsWrapper<TOptions>(sp.GetRequiredService<IOptionsMonitor<TOptions>>().CurrentValue));
    }

    private static void BindInflux(InfluxOptions options, IConfiguration config)
    {
        config.GetSection(InfluxOptions.SectionName).Bind(options);
        // "1|2|3" on the command line; the enum's own numbering starts at 0.
        if (config["Influx:Version"] is { Length: > 0 } version)
        {
            options.ApiVersion = version switch
            {
                "1" => InfluxApiVersion.V1,
                "2" => InfluxApiVersion.V2,
                "3" => InfluxApiVersion.V3,
                _ => throw new ArgumentException($"--influx-version must be 1, 2 or 3, not '{version}'"),
            };
        }

        // Secrets from files (Influx:PasswordFile, Influx:TokenFile); Tracking.Influx itself only takes values.
        options.Password = SecretFile.Resolve("Influx:Password", options.Password, "Influx:PasswordFile", config["Influx:PasswordFile"]);
        options.Token = SecretFile.Resolve("Influx:Token", options.Token, "Influx:TokenFile", config["Influx:TokenFile"]);
    }
}
