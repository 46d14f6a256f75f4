using Tracking.Gateway;
using Tracking.Gateway.Ingest;
using Tracking.Gateway.Ingest.Configuration;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Gateway.Ingest.Spooling;
using Tracking.Gateway.Rules.Store;

// First, before any socket exists: the runtime reads this once, at the first socket operation (SocketCompletions).
SocketCompletions.PreferInline();

if (CommandLine.WantsHelp(args))
{
    Console.Out.Write(CommandLine.HelpText());
    return ExitCodes.Normal;
}

Microsoft.AspNetCore.Builder.WebApplication app;
try
{
    app = GatewayApp.Build(args);
    GatewayApp.ValidateSettings(app.Services);
}
catch (GatewayConfigurationException ex)
{
    // A wrong flag is the operator's mistake, not a crash: one line, no stack trace, a distinct exit code.
    Console.Error.WriteLine($"Tracking.Gateway: invalid configuration: {ex.Message}");
    Console.Error.WriteLine("Run Tracking.Gateway --help for the flags.");
    return ExitCodes.Configuration;
}

if (CommandLine.WantsPrintConfig(args))
{
    Console.Out.Write(CommandLine.Describe(app.Configuration));
    return ExitCodes.Normal;
}

// Resolved now: RunAsync disposes the service provider when it returns. This also opens the rule store (the rules feed
// needs it), which lives in the spool directory unless configured elsewhere.
GatewayService gateway;
try
{
    gateway = app.Services.GetRequiredService<GatewayService>();
}
catch (RuleStoreUnusableException ex)
{
    string spool = Path.GetFullPath(app.Services.GetRequiredService<IOptions<SpoolOptions>>().Value.Directory);
    Console.Error.WriteLine(ex.Path is { } file && Path.GetDirectoryName(Path.GetFullPath(file)) == spool
        ? $"Tracking.Gateway: spool directory '{spool}' cannot be used (rule store {Path.GetFileName(file)}): {ex.InnerException?.Message}"
        : $"Tracking.Gateway: {ex.Message}");
    return ExitCodes.Storage;
}
try
{
    // .NET has no default SIGTERM handling beyond the host's; the host turns SIGTERM into a graceful stop.
    await app.RunAsync();
}
catch (IOException ex)
{
    // Kestrel could not bind Http:Url (in use, not allowed): the only I/O the host itself does at start.
    Console.Error.WriteLine($"Tracking.Gateway: cannot listen for health and metrics: {ex.Message}");
    return ExitCodes.Listener;
}
catch (OperationCanceledException) when (gateway.Failure is not null)
{
    // The pipeline failed (and stopped the host) before Kestrel finished starting: the start was cancelled. The
    // failure is reported below; this is not a second error.
}

// The pipeline does not throw into the host (which would log a stack trace and still exit 0): it records why it
// stopped and stops the host, so that supervisors see a failure and the operator one line.
if (gateway.Failure is { } failure)
{
    Console.Error.WriteLine($"Tracking.Gateway: {failure.Message}");
    return failure.ExitCode;
}

return ExitCodes.Normal;
