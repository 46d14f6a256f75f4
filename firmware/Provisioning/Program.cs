using Tracking.Provisioning;

// scripts/provision sets PROVISION_ROOT to the repository so the defaults land in its .local/ whatever the cwd.
string root = Environment.GetEnvironmentVariable("PROVISION_ROOT") is { Length: > 0 } r
    ? Path.GetFullPath(r)
    : Directory.GetCurrentDirectory();
return ProvisionCommand.Run(args, Console.Out, Console.Error, root);
