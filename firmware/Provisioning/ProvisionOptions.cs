using System.Globalization;
using System.Text;
using ContainerTag.Core.Protocol;

namespace Tracking.Provisioning;

/// <summary>
/// The validated command line. Ids follow docs/protocol.md section 2 and config values section 4.4, checked by
/// ContainerTag.Core (TagIdentity, TagConfig.Validate) so the tool accepts exactly what the tag accepts.
/// </summary>
internal sealed class ProvisionOptions
{
    public const int DefaultBrokerPort = 1883;
    public const string DefaultSerialPort = "/dev/ttyUSB0";
    public const string DefaultTarget = "ESP32_PSRAM_REV0";

    // Host names as the tag resolves them (DNS labels or a dotted IPv4 address); 253 = TagSettingsReader's limit.
    private const int MaxHostLength = 253;
    private const int MaxSsidBytes = 32;

    public required string Fleet { get; init; }
    public required string Container { get; init; }
    public required string Tag { get; init; }
    public bool AllowNonIsoContainer { get; init; }
    public required string Ssid { get; init; }
    public required string Password { get; init; }
    public required string BrokerHost { get; init; }
    public int BrokerPort { get; init; }
    public required string SerialPort { get; init; }
    public required string Target { get; init; }
    public required string OutputDirectory { get; init; }
    public required string ImagePath { get; init; }
    public required TagConfig Config { get; init; }
    /// <summary>A broker configuration of deploy/broker-config to register the tag's MQTT credential in (--broker-config).</summary>
    public string? BrokerConfigDirectory { get; init; }

    public const string Usage =
        """
        usage: scripts/provision --fleet F --container C --tag T --ssid S (--password P | --password-file FILE)
                                 --broker HOST[:PORT] [--serial /dev/ttyUSB0] [--target ESP32_PSRAM_REV0]
                                 [--out DIR] [--image ContainerTag.bin] [--allow-non-iso-container]
                                 [--sample-s 300] [--report-s 3600] [--t-lo 2] [--t-hi 8] [--t-delay-s 600]
                                 [--shock-g 4] [--bat-lo 3.4] [--broker-config BROKER_DIR]
        Writes tag.json (with the tag's MQTT user <fleet>/<container>/<tag> and a random password), deploy.json and
        wifi.json to DIR (default .local/provision/<fleet>/<container>-<tag>/; tag.json and wifi.json mode 0600) and
        prints the nanoff commands that flash the tag. --broker-config registers the credential in a broker
        configuration made by deploy/broker-config (deploy/README.md). A rerun keeps the tag's password.
        """;

    // Option name -> config field of docs/protocol.md 4.4 (TagConfig.Validate names the latter).
    private static readonly (string Option, string Field)[] ConfigOptions =
    [
        ("--sample-s", "sample_s"), ("--report-s", "report_s"), ("--t-lo", "t_lo"), ("--t-hi", "t_hi"),
        ("--t-delay-s", "t_delay_s"), ("--shock-g", "shock_g"), ("--bat-lo", "bat_lo"),
    ];

    private static readonly HashSet<string> ValueOptions =
    [
        "--fleet", "--container", "--tag", "--ssid", "--password", "--password-file", "--broker", "--serial",
        "--target", "--out", "--image", "--broker-config", .. ConfigOptions.Select(c => c.Option),
    ];

    /// <param name="args">The command line.</param>
    /// <param name="root">Where relative defaults (.local/provision, the app image) live: the repository.</param>
    public static ProvisionOptions Parse(IReadOnlyList<string> args, string root)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bool allowNonIso = false;
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name == "--allow-non-iso-container")
            {
                allowNonIso = true;
                continue;
            }
            if (!ValueOptions.Contains(name))
            {
                throw new ProvisionException(name, "unknown option (see --help)");
            }
            // A following option is a forgotten value, not the value: "--password --broker x" must not take "--broker".
            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ProvisionException(name, "needs a value");
            }
            if (!values.TryAdd(name, args[++i]))
            {
                throw new ProvisionException(name, "given twice");
            }
        }

        string fleet = Required(values, "--fleet");
        string container = Required(values, "--container");
        string tag = Required(values, "--tag");
        CheckIds(fleet, container, tag, allowNonIso);

        string ssid = Required(values, "--ssid");
        if (Encoding.UTF8.GetByteCount(ssid) > MaxSsidBytes)
        {
            throw new ProvisionException("--ssid", "at most 32 bytes (802.11)");
        }
        string password = ReadPassword(values);
        (string host, int port) = ParseBroker(Required(values, "--broker"));

        string outDir = values.TryGetValue("--out", out string? o)
            ? Path.GetFullPath(o)
            : Path.Combine(root, ".local", "provision", fleet, container + "-" + tag);
        string image = values.TryGetValue("--image", out string? img)
            ? Path.GetFullPath(img)
            : Path.Combine(root, "firmware", "ContainerTag", "bin", "Release", "ContainerTag.bin");

        return new ProvisionOptions
        {
            Fleet = fleet,
            Container = container,
            Tag = tag,
            AllowNonIsoContainer = allowNonIso,
            Ssid = ssid,
            Password = password,
            BrokerHost = host,
            BrokerPort = port,
            SerialPort = NonEmpty(values, "--serial", DefaultSerialPort),
            Target = NonEmpty(values, "--target", DefaultTarget),
            OutputDirectory = outDir,
            ImagePath = image,
            Config = ParseConfig(values),
            BrokerConfigDirectory = values.TryGetValue("--broker-config", out string? broker) ? Path.GetFullPath(broker) : null,
        };
    }

    private static void CheckIds(string fleet, string container, string tag, bool allowNonIso)
    {
        CheckId("--fleet", TagIdentity.CheckId(fleet));
        CheckId("--tag", TagIdentity.CheckId(tag));
        IdError error = TagIdentity.CheckContainer(container, 0, container.Length, allowNonIso);
        if (error != IdError.None)
        {
            string rule = TagIdentity.Describe(error) + " (docs/protocol.md section 2)";
            // Right shape, wrong last digit: most likely a typo, so say which digit the number needs.
            if (error == IdError.BadCheckDigit)
            {
                rule += $"; the check digit of {container[..10]} is {TagIdentity.Iso6346CheckDigit(container)}, not {container[10]}";
            }
            else if (!allowNonIso)
            {
                rule += "; a container without an ISO 6346 number needs --allow-non-iso-container (and Ingest:StrictContainerIds=false on the gateway)";
            }
            throw new ProvisionException("--container", rule);
        }
        // The tag runs this constructor at boot; a rule added there must not slip past the tool.
        _ = new TagIdentity(fleet, container, tag, allowNonIso);
    }

    private static void CheckId(string option, IdError error)
    {
        if (error != IdError.None)
        {
            throw new ProvisionException(option, TagIdentity.Describe(error) + " (docs/protocol.md section 2)");
        }
    }

    private static string ReadPassword(Dictionary<string, string> values)
    {
        bool inline = values.TryGetValue("--password", out string? password);
        bool fromFile = values.TryGetValue("--password-file", out string? file);
        if (inline == fromFile)
        {
            throw new ProvisionException("--password", "give exactly one of --password or --password-file");
        }
        if (fromFile)
        {
            try
            {
                // One line; the newline an editor or echo adds is not part of the password.
                password = File.ReadAllText(file!).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ProvisionException("--password-file", "cannot read " + file + ": " + e.Message);
            }
        }
        // WPA2-PSK (IEEE 802.11i): a passphrase of 8..63 printable ASCII characters or 64 hex digits.
        // The value itself is never part of a message.
        string p = password!;
        bool printable = p.All(c => c >= ' ' && c <= '~');
        bool passphrase = printable && p.Length is >= 8 and <= 63;
        bool hexKey = p.Length == 64 && p.All(char.IsAsciiHexDigit);
        if (!passphrase && !hexKey)
        {
            throw new ProvisionException(fromFile ? "--password-file" : "--password",
                "WPA2 passphrase of 8 to 63 printable ASCII characters, or 64 hex digits");
        }
        return p;
    }

    private static (string Host, int Port) ParseBroker(string broker)
    {
        string host = broker;
        int port = DefaultBrokerPort;
        int colon = broker.LastIndexOf(':');
        if (colon >= 0)
        {
            host = broker[..colon];
            string p = broker[(colon + 1)..];
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                throw new ProvisionException("--broker", "HOST[:PORT] with PORT an integer 1..65535");
            }
        }
        if (host.Length is 0 or > MaxHostLength || !IsHostName(host))
        {
            throw new ProvisionException("--broker",
                "HOST[:PORT] with HOST a DNS name or IPv4 address of 1 to 253 characters [A-Za-z0-9.-]");
        }
        return (host, port);
    }

    private static bool IsHostName(string host)
    {
        foreach (string label in host.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }
        return true;
    }

    private static TagConfig ParseConfig(Dictionary<string, string> values)
    {
        var c = new TagConfig();
        c.SampleS = Integer(values, "--sample-s", c.SampleS);
        c.ReportS = Integer(values, "--report-s", c.ReportS);
        c.TempLowC = Number(values, "--t-lo", c.TempLowC);
        c.TempHighC = Number(values, "--t-hi", c.TempHighC);
        c.TempDelayS = Integer(values, "--t-delay-s", c.TempDelayS);
        c.ShockG = Number(values, "--shock-g", c.ShockG);
        c.BatteryLowV = Number(values, "--bat-lo", c.BatteryLowV);
        string? invalid = c.Validate();
        if (invalid != null)
        {
            // Validate says "<field>: <rule>" with the contract's field name; report the option the user typed.
            int colon = invalid.IndexOf(':');
            string field = invalid[..colon];
            string option = ConfigOptions.First(x => x.Field == field).Option;
            throw new ProvisionException(option, field + invalid[colon..] + " (docs/protocol.md section 4.4)");
        }
        return c;
    }

    private static int Integer(Dictionary<string, string> values, string option, int fallback)
    {
        if (!values.TryGetValue(option, out string? s))
        {
            return fallback;
        }
        if (!int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v))
        {
            throw new ProvisionException(option, $"expected an integer, got '{s}'");
        }
        return v;
    }

    private static double Number(Dictionary<string, string> values, string option, double fallback)
    {
        if (!values.TryGetValue(option, out string? s))
        {
            return fallback;
        }
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
        {
            throw new ProvisionException(option, $"expected a number such as 2.5, got '{s}'");
        }
        return v;
    }

    private static string Required(Dictionary<string, string> values, string option) =>
        values.TryGetValue(option, out string? v) ? v : throw new ProvisionException(option, "required");

    private static string NonEmpty(Dictionary<string, string> values, string option, string fallback)
    {
        if (!values.TryGetValue(option, out string? v))
        {
            return fallback;
        }
        return v.Length > 0 && !v.Any(char.IsWhiteSpace) ? v : throw new ProvisionException(option, "must be non-empty without spaces");
    }
}
