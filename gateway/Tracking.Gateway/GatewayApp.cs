using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Api;
using Tracking.Gateway.Api.Health;
using Tracking.Gateway.Ingest;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Influx;

namespace Tracking.Gateway;

/// <summary>Builds the gateway's web host: configuration, the pipeline service, /healthz and /metrics.</summary>
public static class GatewayApp
{
    public const string DefaultHttpUrl = "http://127.0.0.1:8080";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (CommandLine.ConfigFile(args) is { } file)
        {
            if (!File.Exists(file)) throw new GatewayConfigurationException($"--config file '{file}' does not exist");
            builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: false);
        }

        builder.Configuration.AddEnvironmentVariables("TRACKING_");
        try
        {
            builder.Configuration.AddCommandLine(CommandLine.SettingArgs(args), CommandLine.SwitchMappings());
        }
        catch (FormatException ex)
        {
            throw new GatewayConfigurationException(ex.Message, ex);
        }

        IConfiguration config = builder.Configuration;

        builder.WebHost.UseUrls(config["Http:Url"] ?? DefaultHttpUrl);
        builder.Services.AddIngest(config);
        builder.Services.AddSingleton<IGatewayStatus, IngestStatus>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));

        WebApplication app = builder.Build();
        Validate(app.Services);
        app.MapHealthEndpoints();
        return app;
    }

    /// <summary>Binds and checks every settings section now, so a bad value stops the start with one clear line.</summary>
    private static void Validate(IServiceProvider services)
    {
        // Reads the password, CA, certificate and key files once now, so a missing one stops the start.
        Check(MqttSettings.SectionName, () => services.GetRequiredService<IOptions<MqttSettings>>().Value.Validate());
        Check(MqttSettings.SectionName, () => MqttClientSecurity.Apply(services.GetRequiredService<IOptions<MqttSettings>>().Value, new Tracking.Mqtt.MqttClientOptions()));
        Check(IngestSettings.SectionName, () =>
        {
            IngestSettings ingest = services.GetRequiredService<IOptions<IngestSettings>>().Value;
            if (ingest.WriteBatchLines < 1)
                throw new ArgumentException("Ingest:WriteBatchLines must be positive");
            if (ingest.WriteConcurrency < 1)
                throw new ArgumentException("Ingest:WriteConcurrency must be positive");
            if (ingest.WriteMaxDelay < TimeSpan.Zero)
                throw new ArgumentException("Ingest:WriteMaxDelay must not be negative");
        });
        Check(SpoolOptions.SectionName, () => services.GetRequiredService<IOptions<SpoolOptions>>().Value.Validate());
        Check(InfluxOptions.SectionName, () => services.GetRequiredService<IOptions<InfluxOptions>>().Value.Validate());
        Check(HealthSettings.SectionName, () => services.GetRequiredService<IOptions<HealthSettings>>().Value.Validate());
        Check(DeadLetterSettings.SectionName, () => services.GetRequiredService<IOptions<DeadLetterSettings>>().Value.Validate());

        static void Check(string section, Action validate)
        {
            try
            {
                validate();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                // The binder wraps the culprit ("Failed to convert configuration value ... to type TimeSpan").
                string message = ex.InnerException is FormatException inner ? $"{ex.Message} ({inner.Message})" : ex.Message;
                throw new GatewayConfigurationException(message.Contains(section, StringComparison.Ordinal) ? message : $"{section}: {message}", ex);
            }
        }
    }
}
