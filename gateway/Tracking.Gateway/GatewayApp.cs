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
        Check(MqttOptions.SectionName, () => services.GetRequiredService<IOptions<MqttOptions>>().Value.Validate());
        Check(MqttOptions.SectionName, () => MqttClientSecurity.Apply(services.GetRequiredService<IOptions<MqttOptions>>().Value, new Tracking.Mqtt.MqttClientOptions()));
        Check(IngestOptions.SectionName, () => _ = services.GetRequiredService<IOptions<IngestOptions>>().Value);
        Check(WriterOptions.SectionName, () => services.GetRequiredService<IOptions<WriterOptions>>().Value.Validate());
        Check(SpoolOptions.SectionName, () => services.GetRequiredService<IOptions<SpoolOptions>>().Value.Validate());
        Check(InfluxOptions.SectionName, () => services.GetRequiredService<IOptions<InfluxOptions>>().Value.Validate());
        Check(HealthOptions.SectionName, () => services.GetRequiredService<IOptions<HealthOptions>>().Value.Validate());
        Check(DeadLetterOptions.SectionName, () => services.GetRequiredService<IOptions<DeadLetterOptions>>().Value.Validate());

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
