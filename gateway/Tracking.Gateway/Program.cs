using Tracking.Gateway;
using Tracking.Gateway.Configuration;

if (CommandLine.WantsHelp(args))
{
    Console.Out.Write(CommandLine.HelpText());
    return 0;
}

Microsoft.AspNetCore.Builder.WebApplication app;
try
{
    app = GatewayApp.Build(args);
}
catch (GatewayConfigurationException ex)
{
    // A wrong flag is the operator's mistake, not a crash: one line, no stack trace, a distinct exit code.
    Console.Error.WriteLine($"Tracking.Gateway: invalid configuration: {ex.Message}");
    Console.Error.WriteLine("Run Tracking.Gateway --help for the flags.");
    return 2;
}

if (CommandLine.WantsPrintConfig(args))
{
    Console.Out.Write(CommandLine.Describe(app.Configuration));
    return 0;
}

// .NET has no default SIGTERM handling beyond the host's; the host turns SIGTERM into a graceful stop.
await app.RunAsync();
return 0;
