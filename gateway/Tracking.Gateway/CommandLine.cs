using Tracking.Gateway.Ingest;
using Tracking.Gateway.Ingest.Configuration;

namespace Tracking.Gateway;

/// <summary>Command-line flags and their configuration keys (appsettings.json and TRACKING_* variables use the keys).</summary>
public static class CommandLine
{
    public static readonly IReadOnlyList<(string Flag, string Key, string Help)> Flags =
    [
        ("--mqtt-url", "Mqtt:Url", "broker, mqtt://host:port, or mqtts://host:port for TLS (port 8883 if none) (default mqtt://127.0.0.1:1883)"),
        ("--mqtt-username", "Mqtt:Username", "MQTT user name (the URL may name it instead, mqtts://user@host)"),
        ("--mqtt-password-file", "Mqtt:PasswordFile", "file holding the MQTT password (one trailing newline is dropped)"),
        ("--mqtt-ca-file", "Mqtt:CaFile", "PEM CA certificate(s) the broker's certificate must chain to (mqtts; default: system store)"),
        ("--mqtt-cert-file", "Mqtt:CertFile", "PEM client certificate, for brokers that require one (mqtts; with --mqtt-key-file)"),
        ("--mqtt-key-file", "Mqtt:KeyFile", "PEM private key (unencrypted) of --mqtt-cert-file"),
        ("--mqtt-client-id", "Mqtt:ClientId", "MQTT client id of this gateway (default tracking-gateway)"),
        ("--mqtt-group", "Mqtt:SharedGroup", "shared-subscription group (default tracking-gateway)"),
        ("--mqtt-max-packet-bytes", "Mqtt:MaxPacketBytes", $"largest packet taken; the broker discards bigger ones, payloads over {Ingest.Decoding.SensorLimits.MaxPayloadBytes} bytes are dead-lettered (default 65536)"),
        ("--strict-container-ids", "Ingest:StrictContainerIds", "false also accepts non-ISO 6346 container levels, as tags provisioned with --allow-non-iso-container send (default true)"),
        ("--influx-url", "Influx:Url", "InfluxDB base URL (default http://127.0.0.1:8086)"),
        ("--influx-version", "Influx:Version", "write API: 1, 2 or 3 (default 1)"),
        ("--influx-db", "Influx:Database", "database (1.x, 3.x)"),
        ("--influx-org", "Influx:Organization", "organization (2.x)"),
        ("--influx-bucket", "Influx:Bucket", "bucket (2.x)"),
        ("--influx-username", "Influx:Username", "user (1.x), sent as HTTP Basic authentication"),
        ("--influx-password-file", "Influx:PasswordFile", "file holding the password of --influx-username"),
        ("--influx-token-file", "Influx:TokenFile", "file holding the API token (2.x, 3.x; 1.x without a user)"),
        ("--influx-compression", "Influx:Compression", "request bodies: auto (gzip unless InfluxDB is on this host), gzip or none (default auto)"),
        ("--spool-dir", "Spool:Directory", "spool, checkpoint and dead-letter directory (default data/spool)"),
        ("--spool-max-bytes", "Spool:MaxBytes", "disk the spool may use before ingest pauses (default 1 GiB)"),
        ("--http-url", "Http:Url", "health, metrics and API listener (default http://127.0.0.1:8080)"),
        ("--api-token-file", "Api:TokenFile", "operator tokens for the API's mutating calls (PUT, POST), one per line, # comments; none: those calls are refused"),
        ("--stats-interval", "Ingest:StatsInterval", "how often to write the gateway measurement, hh:mm:ss (default 00:00:10, 0 = never)"),
    ];

    /// <summary>The <see cref="HealthOptions"/> keys, set as <c>--Health:Key=value</c> like any other key.</summary>
    public static readonly IReadOnlyList<(string Key, string Help)> HealthKeys =
    [
        ("Health:InfluxUnreachableAfter", "InfluxDB taking no write for this long is a problem, hh:mm:ss (default 00:00:30)"),
        ("Health:WriterStalledAfter", "committed records waiting this long with no write in flight and nothing confirmed is a problem, hh:mm:ss (default 00:01:00)"),
        ("Health:SpoolHighWaterMark", "spool use above this share of Spool:MaxBytes is a problem, 0..1 (default 0.9)"),
        ("Health:DeadLettersPerMinute", "more dead letters per minute than this is a problem, 0 = no limit (default 60)"),
        ("Health:DeadLetterWindow", "sliding window of that rate, hh:mm:ss (default 00:05:00)"),
    ];

    /// <summary>The <see cref="DeadLetterOptions"/> keys, set as <c>--DeadLetters:Key=value</c>.</summary>
    public static readonly IReadOnlyList<(string Key, string Help)> DeadLetterKeys =
    [
        ("DeadLetters:MaxFileBytes", "rotate dead-letters.jsonl to dead-letters.1.jsonl past this size; also the most letters waiting for one fsync, more are dropped and counted (default 67108864)"),
        ("DeadLetters:MaxFiles", "dead-letter files kept, the current one included; the oldest is deleted (default 4)"),
        ("DeadLetters:MaxPayloadBytes", "bytes of a refused payload kept; the letter says \"truncated\": true and \"payload_bytes\" past it (default 4096)"),
        ("DeadLetters:LogLines", "rejection log lines per reason per interval; the rest are summed up in one line (default 10)"),
        ("DeadLetters:LogInterval", "that interval, hh:mm:ss (default 00:01:00)"),
    ];

    /// <summary>Secrets that have no flag (so they stay out of process lists) but may come from settings or TRACKING_ variables.</summary>
    public static readonly IReadOnlyList<string> SecretKeys = ["Mqtt:Password", "Influx:Password", "Influx:Token"];

    public const string ConfigFileFlag = "--config", PrintConfigFlag = "--print-config";

    public static Dictionary<string, string> SwitchMappings() => Flags.ToDictionary(f => f.Flag, f => f.Key);

    public static bool WantsHelp(string[] args) => args.Any(a => a is "--help" or "-h" or "-?");

    public static bool WantsPrintConfig(string[] args) => args.Contains(PrintConfigFlag);

    /// <summary>The value of <c>--config file</c> or <c>--config=file</c>, if given.</summary>
    public static string? ConfigFile(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == ConfigFileFlag) return i + 1 < args.Length ? args[i + 1] : throw new GatewayConfigurationException("--config needs a file name");
            if (args[i].StartsWith(ConfigFileFlag + "=", StringComparison.Ordinal)) return args[i][(ConfigFileFlag.Length + 1)..];
        }

        return null;
    }

    /// <summary>The arguments that are settings: without the value-less switches and --config, which are not keys.</summary>
    public static string[] SettingArgs(string[] args)
    {
        var settings = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == PrintConfigFlag || args[i].StartsWith(ConfigFileFlag + "=", StringComparison.Ordinal)) continue;
            if (args[i] == ConfigFileFlag) { i++; continue; }
            settings.Add(args[i]);
        }

        return [.. settings];
    }

    /// <summary>
    /// The effective value of every flag's key, <c>Key=value</c> per line; then whether each secret is set, as
    /// <c>***</c>. Secrets never appear: not the values, not the user info of URLs.
    /// </summary>
    public static string Describe(Microsoft.Extensions.Configuration.IConfiguration config)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (_, key, _) in Flags)
        {
            text.Append(key).Append('=').Append(SecretRedaction.Value(key, config[key])).Append('\n');
        }

        foreach (string key in SecretKeys)
        {
            if (config[key] is not null) text.Append(key).Append('=').Append(SecretRedaction.Mask).Append('\n');
        }

        return text.ToString();
    }

    public static string HelpText()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("Tracking.Gateway: MQTT tag telemetry -> validation -> disk spool -> InfluxDB");
        text.AppendLine();
        text.AppendLine("Usage: Tracking.Gateway [flags]");
        foreach (var (flag, key, help) in Flags)
        {
            text.AppendLine($"  {flag + " <value>",-32} {help}  [{key}, env TRACKING_{key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant()}]");
        }

        text.AppendLine($"  {ConfigFileFlag + " <file>",-32} a JSON settings file read after appsettings.json (same layout)");
        text.AppendLine($"  {PrintConfigFlag,-32} print the effective settings and exit");
        text.AppendLine($"  {"--help",-32} print this and exit");
        text.AppendLine();
        text.AppendLine("Health (GET /healthz answers 503 naming each problem; every check has a gauge on /metrics):");
        foreach (var (key, help) in HealthKeys)
        {
            text.AppendLine($"  --{key}=<value>  {help}");
        }

        text.AppendLine("  also always: broker not connected, spool blocked (the next record does not fit, or a disk error), dead-letter file not written");
        text.AppendLine();
        text.AppendLine("Dead letters (refused messages, in the spool directory; disk at most MaxFiles x MaxFileBytes):");
        foreach (var (key, help) in DeadLetterKeys)
        {
            text.AppendLine($"  --{key}=<value>  {help}");
        }

        text.AppendLine();
        text.AppendLine("Every setting can also come from appsettings.json (or --config) or TRACKING_<Section>__<Key> environment");
        text.AppendLine("variables, and any key can be given as --Section:Key=value. Flags win over the environment, which wins");
        text.AppendLine("over the settings files.");
        text.AppendLine();
        text.AppendLine("Exit codes (a supervisor's Restart=on-failure restarts on every code but 0):");
        text.AppendLine($"  {ExitCodes.Normal}  stopped on request (SIGTERM, Ctrl+C), or --help / --print-config");
        text.AppendLine($"  {ExitCodes.Crash}  stopped by an unexpected error (a bug; the log has the stack trace)");
        text.AppendLine($"  {ExitCodes.Configuration}  invalid configuration (flag, variable or settings file)");
        text.AppendLine($"  {ExitCodes.Storage}  the spool directory cannot be used (permission, read-only file system, not a directory)");
        text.AppendLine($"  {ExitCodes.Listener}  the health and metrics listener cannot listen on --http-url");
        text.AppendLine("A full disk is not fatal: ingest pauses (the broker keeps the messages) and /healthz reports it.");
        text.AppendLine();
        text.AppendLine("Secrets are read from files only (--mqtt-password-file, --influx-password-file, --influx-token-file), so");
        text.AppendLine("they stay out of process lists; a missing or unreadable file is an invalid configuration. URLs must not");
        text.AppendLine("carry a password. mqtts:// checks the broker's certificate (chain and host name) and cannot be turned off.");
        text.AppendLine();
        text.AppendLine("API (docs/api.md; OpenAPI at /openapi/v1.json): GETs are open to whoever reaches --http-url (127.0.0.1 by");
        text.AppendLine("default); PUT and POST need Authorization: Bearer <token> with a token of --api-token-file, and are all");
        text.AppendLine("refused (401) without that file.");
        return text.ToString();
    }
}
