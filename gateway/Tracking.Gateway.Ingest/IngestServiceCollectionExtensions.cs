using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Influx;

namespace Tracking.Gateway.Ingest;

/// <summary>Registers the ingest room: its settings sections and the pipeline service (MQTT to spool to InfluxDB).</summary>
public static class IngestServiceCollectionExtensions
{
    public static IServiceCollection AddIngest(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<MqttOptions>(config.GetSection(MqttOptions.SectionName));
        services.Configure<IngestOptions>(config.GetSection(IngestOptions.SectionName));
        services.Configure<WriterOptions>(config.GetSection(WriterOptions.SectionName));
        services.Configure<SpoolOptions>(config.GetSection(SpoolOptions.SectionName));
        services.Configure<HealthOptions>(config.GetSection(HealthOptions.SectionName));
        services.Configure<DeadLetterOptions>(config.GetSection(DeadLetterOptions.SectionName));
        services.Configure<InfluxOptions>(options =>
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
        });
        services.AddSingleton<GatewayService>();
        services.AddHostedService(sp => sp.GetRequiredService<GatewayService>());
        return services;
    }
}
