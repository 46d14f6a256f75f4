using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Configuration;
using Tracking.Gateway.Pipeline;
using Tracking.Gateway.Spooling;
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
        builder.Services.Configure<MqttSettings>(config.GetSection(MqttSettings.SectionName));
        builder.Services.Configure<IngestSettings>(config.GetSection(IngestSettings.SectionName));
        builder.Services.Configure<SpoolOptions>(config.GetSection(SpoolOptions.SectionName));
        builder.Services.Configure<HealthSettings>(config.GetSection(HealthSettings.SectionName));
        builder.Services.Configure<InfluxOptions>(options =>
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
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        builder.Services.AddSingleton<GatewayService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GatewayService>());

        WebApplication app = builder.Build();
        Validate(app.Services);
        GatewayService gateway = app.Services.GetRequiredService<GatewayService>();
        app.MapGet("/healthz", (HttpContext http) =>
        {
            IReadOnlyList<string> problems = gateway.HealthProblems();
            http.Response.StatusCode = problems.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            http.Response.ContentType = "application/json";
            return http.Response.WriteAsync(JsonSerializer.Serialize(new HealthReport(problems.Count == 0 ? "ok" : "unhealthy", problems),
                HealthJson.Default.HealthReport));
        });
        app.MapGet("/metrics", (HttpContext http) =>
        {
            var text = new StringBuilder(4096);
            gateway.WriteMetrics(text);
            http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            return http.Response.WriteAsync(text.ToString());
        });
        return app;
    }

    /// <summary>Binds and checks every settings section now, so a bad value stops the start with one clear line.</summary>
    private static void Validate(IServiceProvider services)
    {
        // Reads the password, CA, certificate and key files once now, so a missing one stops the start.
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

public sealed record HealthReport(string Status, IReadOnlyList<string> Reasons);

[System.Text.Json.Serialization.JsonSerializable(typeof(HealthReport))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class HealthJson : System.Text.Json.Serialization.JsonSerializerContext;
