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
        TagCredential credential;
        try
        {
            OutputFiles.CreateDirectory(dir);
            credential = TagCredential.For(o, tagJson);
            // Secret now: it holds the tag's MQTT password.
            OutputFiles.Write(tagJson, TagSettingsJson.Write(o, credential), secret: true);
            OutputFiles.Write(deployJson, NanoffDeploymentJson.FileDeployment(o.SerialPort, tagJson), secret: false);
            OutputFiles.Write(wifiJson, NanoffDeploymentJson.NetworkDeployment(o.Ssid, o.Password), secret: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: --out: cannot write to {dir}: {e.Message}");
            return Failed;
        }

        string? registration = RegisterCredential(o, credential, root);
        if (registration is not null)
        {
            stderr.WriteLine($"error: --broker-config: {registration} (the files in {dir} are written; run again once fixed)");
            return Failed;
        }

        stdout.WriteLine($"Tag {o.Tag} on container {o.Container}, fleet {o.Fleet}, broker {o.BrokerHost}:{o.BrokerPort}");
        stdout.WriteLine($"  {tagJson}     device settings and MQTT credential (mode 0600), goes to {TagSettingsJson.DevicePath}");
        stdout.WriteLine($"  {deployJson}  nanoff file deployment");
        stdout.WriteLine($"  {wifiJson}    Wi-Fi '{o.Ssid}' (mode 0600: holds the password; delete it after step 3)");
        stdout.WriteLine();
        if (o.BrokerConfigDirectory is { } brokerDir)
        {
            stdout.WriteLine($"MQTT user {credential.Username} registered in {Path.Combine(brokerDir, "passwd")}: reload the broker (kill -HUP <mosquitto pid>).");
        }
        else
        {
            stdout.WriteLine($"MQTT user {credential.Username}: register its password (from tag.json, never printed) in the broker's configuration:");
            stdout.WriteLine($"sed -n 's/.*\"mqtt_password\": \"\\(.*\\)\".*/\\1/p' {NanoffCommands.Quote(tagJson)} | deploy/broker-config add-tag BROKER_DIR {o.Fleet} {o.Container} {o.Tag}");
        }
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

    /// <summary>Null when there is nothing to register or it was registered, else why it failed.</summary>
    private static string? RegisterCredential(ProvisionOptions o, TagCredential credential, string root)
    {
        if (o.BrokerConfigDirectory is not { } brokerDir) return null;
        if (BrokerRegistration.Script(root) is not { } script) return "deploy/broker-config not found";
        return BrokerRegistration.Register(script, brokerDir, o, credential);
    }
}
