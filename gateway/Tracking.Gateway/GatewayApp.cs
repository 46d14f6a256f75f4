using Microsoft.Extensions.Options;
using Tracking.Gateway.Api;
using Tracking.Gateway.Api.Dashboard;
using Tracking.Gateway.Clock;
using Tracking.Gateway.Ingest;
using Tracking.Gateway.Ingest.Configuration;
using Tracking.Gateway.Live;

namespace Tracking.Gateway;

/// <summary>Builds the gateway's web host: configuration sources, then the rooms (ingest, API, rules and the rules API).</summary>
public static class GatewayApp
{
    public const string DefaultHttpUrl = "http://127.0.0.1:8080";

    /// <param name="args">The command line.</param>
    /// <param name="services">More services, after the rooms' own: e.g. an <c>ISpoolConsumer</c> of an embedding host or a test.</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        if (CommandLine.ConfigFile(args) is { } file)
        {
            if (!File.Exists(file)) throw new GatewayConfigurationException($"--config file '{file}' does not exist");
            // Reloaded on change for the settings that apply while running (Clock:Offset); the others are read once at start.
            builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: true);
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

        builder.WebHost.UseUrls(builder.Configuration["Http:Url"] ?? DefaultHttpUrl);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        // First: the rooms take the gateway's clock instead of adding TimeProvider.System.
        builder.Services.AddGatewayClock(builder.Configuration);
        builder.Services.AddIngest(builder.Configuration).AddRulesFeed(builder.Configuration).AddApi<IngestStatus>();
        builder.Services.AddRulesApi(builder.Configuration);
        builder.Services.AddLiveFeed(builder.Configuration);
        builder.Services.AddDashboard(builder.Configuration);
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>
    /// Binds and checks every settings section now (the validators registered with ValidateOnStart; the host's start
    /// finds them done), so a bad value stops the start with one line naming it, before --print-config or any I/O.
    /// </summary>
    public static void ValidateSettings(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault() is OptionsValidationException first)
        {
            // Several sections failed: the first is enough to act on, one line at a time.
            throw new GatewayConfigurationException(first.Failures.First(), ex);
        }
        catch (OptionsValidationException ex)
        {
            throw new GatewayConfigurationException(ex.Failures.First(), ex);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            // Binding failed before any rule ran; the binder wraps the culprit ("Failed to convert configuration value at
            // 'Ingest:StatsInterval' to type TimeSpan").
            throw new GatewayConfigurationException(ex.InnerException is FormatException inner ? $"{ex.Message} ({inner.Message})" : ex.Message, ex);
        }
    }
}
