namespace Tracking.Provisioning;

/// <summary>The whole command: parse, write the three files, print what to run. The password is never printed.</summary>
internal static class ProvisionCommand
{
    public const int Ok = 0;
    public const int BadUsage = 2;
    public const int Failed = 1;

    /// <param name="root">Base of the default output directory and app image path (the repository).</param>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, string root)
    {
        if (args.Count == 0 || args.Contains("--help") || args.Contains("-h"))
        {
            (args.Count == 0 ? stderr : stdout).WriteLine(ProvisionOptions.Usage);
            return args.Count == 0 ? BadUsage : Ok;
        }
        ProvisionOptions o;
        try
        {
            o = ProvisionOptions.Parse(args, root);
        }
        catch (ProvisionException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return BadUsage;
        }

        string dir = o.OutputDirectory;
        string tagJson = Path.Combine(dir, "tag.json");
        string deployJson = Path.Combine(dir, "deploy.json");
        string wifiJson = Path.Combine(dir, "wifi.json");
        try
        {
            OutputFiles.CreateDirectory(dir);
            OutputFiles.Write(tagJson, TagSettingsJson.Write(o), secret: false);
            OutputFiles.Write(deployJson, NanoffDeploymentJson.FileDeployment(o.SerialPort, tagJson), secret: false);
            OutputFiles.Write(wifiJson, NanoffDeploymentJson.NetworkDeployment(o.Ssid, o.Password), secret: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: --out: cannot write to {dir}: {e.Message}");
            return Failed;
        }

        stdout.WriteLine($"Tag {o.Tag} on container {o.Container}, fleet {o.Fleet}, broker {o.BrokerHost}:{o.BrokerPort}");
        stdout.WriteLine($"  {tagJson}     device settings, goes to {TagSettingsJson.DevicePath}");
        stdout.WriteLine($"  {deployJson}  nanoff file deployment");
        stdout.WriteLine($"  {wifiJson}    Wi-Fi '{o.Ssid}' (mode 0600: holds the password; delete it after step 3)");
        stdout.WriteLine();
        stdout.WriteLine($"Connect the tag on {o.SerialPort} and run, in this order (a tag already running the app sleeps and");
        stdout.WriteLine("does not answer: add --masserase to step 1, which also erases its old files and Wi-Fi settings):");
        var commands = NanoffCommands.For(o, deployJson, wifiJson);
        for (int i = 0; i < commands.Count; i++)
        {
            stdout.WriteLine($"# {i + 1}. {commands[i].Step}");
            stdout.WriteLine(commands[i].Command);
        }
        if (!File.Exists(o.ImagePath))
        {
            stdout.WriteLine();
            stdout.WriteLine($"note: {o.ImagePath} does not exist yet: build ContainerTag first (firmware/README.md) or pass --image.");
        }
        stdout.WriteLine();
        stdout.WriteLine("Then watch its first messages (the app reports as soon as it starts):");
        string topic = $"tracking/v1/{o.Fleet}/{o.Container}/#";
        stdout.WriteLine($"mosquitto_sub -h {NanoffCommands.Quote(o.BrokerHost)} -p {o.BrokerPort} -t '{topic}' -v");
        return Ok;
    }
}
