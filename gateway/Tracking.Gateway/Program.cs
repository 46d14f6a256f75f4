using Tracking.Gateway;
using Tracking.Gateway.Configuration;

if (CommandLine.WantsHelp(args))
{
    Console.Out.Write(CommandLine.HelpText());
    return 0;
}

// .NET has no default SIGTERM handling beyond the host's; the host turns SIGTERM into a graceful stop.
var app = GatewayApp.Build(args);
await app.RunAsync();
return 0;
