using System.Globalization;

namespace TagSimulator;

/// <summary>Command-line settings of a run.</summary>
public sealed class SimulatorOptions
{
    public string BrokerHost { get; set; } = "127.0.0.1";
    public int BrokerPort { get; set; } = 1883;
    public string Fleet { get; set; } = "sim";

    /// <summary>TLS and credentials for a broker made by deploy/broker-config (mqtts://, --ca-file, --username ...).</summary>
    public Uplink.BrokerSecurity Security { get; set; } = Uplink.BrokerSecurity.None;
    public int Tags { get; set; } = 100;
    public long DurationMs { get; set; } = 86_400_000;

    /// <summary>Simulated seconds per real second; +inf runs as fast as possible.</summary>
    public double Speed { get; set; } = double.PositiveInfinity;

    public int Seed { get; set; } = 1;

    /// <summary>Simulated Unix ms of the voyage start; default: now − duration, so the voyage ends about now.</summary>
    public long? StartMs { get; set; }

    public string? ManifestPath { get; set; }

    /// <summary>MQTT connections shared by the tags.</summary>
    public int Connections { get; set; } = 4;

    /// <summary>Worker threads (each runs its own event queue over a share of the tags).</summary>
    public int Workers { get; set; } = 16;

    public bool Quiet { get; set; }

    /// <summary>
    /// Scenario containers of each kind (<see cref="Models.TagScenario.FleetKinds"/>: compressor failure, rough handling,
    /// air leg, tag silent, door openings): the first 5 x N tags, in that order; the rest are random voyages.
    /// </summary>
    public int Scenarios { get; set; }

    /// <summary>Print each tag's fleet, container, tag and scenario kind, then exit (to assign profiles before the run).</summary>
    public bool ListContainers { get; set; }

    public const string Usage =
        """
        usage: TagSimulator [options]
          --broker host:port    MQTT broker (default 127.0.0.1:1883); mqtts://host:port for TLS
          --ca-file FILE        PEM CA the broker's certificate must chain to (mqtts; default the system store)
          --cert-file FILE      PEM client certificate, with --key-file FILE (mqtts)
          --username U          account, e.g. sim.<fleet> of deploy/broker-config add-simulator
          --password-file FILE  its password (never on the command line)
          --fleet ID            fleet id (default sim)
          --tags N              number of virtual tags (default 100)
          --duration D          simulated time to run: 30d, 6h, 90m, 45s, 500ms; 1ms to 3650d (default 1d)
          --speed S|max         simulated seconds per real second (default max)
          --seed N              random seed; the same seed gives the same voyage (default 1)
          --start MS|ISO        simulated start (Unix ms or ISO 8601 UTC, years 1..9989); default now - duration
          --manifest PATH       write every acknowledged reading and event as JSON at the end
          --connections N       shared MQTT connections (default 4)
          --workers N           worker threads (default 16)
          --quiet               no progress output
          --scenarios N         the first 5N tags are scenario containers, N of each: compressor failure, rough
                                handling, air leg, tag going silent, door openings (default 0; needs --duration >= 8h)
          --list-containers     print "fleet container tag kind" per tag (kind "-" for a random voyage) and exit
        """;

    public static SimulatorOptions Parse(string[] args)
    {
        var o = new SimulatorOptions();
        bool tls = false;
        string? caFile = null, certFile = null, keyFile = null, username = null, passwordFile = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--broker":
                    string broker = Value();
                    tls = broker.StartsWith("mqtts://", StringComparison.Ordinal);
                    (o.BrokerHost, o.BrokerPort) = ParseHostPort(tls ? broker["mqtts://".Length..].TrimEnd('/') : broker);
                    break;
                case "--ca-file": caFile = Value(); break;
                case "--cert-file": certFile = Value(); break;
                case "--key-file": keyFile = Value(); break;
                case "--username": username = Value(); break;
                case "--password-file": passwordFile = Value(); break;
                case "--fleet": o.Fleet = Value(); break;
                case "--tags": o.Tags = PositiveInt(Value(), "--tags"); break;
                case "--duration": o.DurationMs = ParseDuration(Value()); break;
                case "--speed":
                    string s = Value();
                    o.Speed = s == "max" ? double.PositiveInfinity
                        : double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 ? v
                        : throw new ArgumentException($"--speed: '{s}' is not a positive number or 'max'");
                    break;
                case "--seed":
                    o.Seed = int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed
                        : throw new ArgumentException("--seed needs an integer");
                    break;
                case "--start": o.StartMs = ParseTime(Value()); break;
                case "--manifest": o.ManifestPath = Value(); break;
                case "--connections": o.Connections = PositiveInt(Value(), "--connections"); break;
                case "--workers": o.Workers = PositiveInt(Value(), "--workers"); break;
                case "--quiet": o.Quiet = true; break;
                case "--list-containers": o.ListContainers = true; break;
                case "--scenarios":
                    o.Scenarios = int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0 ? n
                        : throw new ArgumentException("--scenarios needs a non-negative integer");
                    break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        o.Security = new Uplink.BrokerSecurity
        {
            Tls = tls, CaFile = caFile, CertFile = certFile, KeyFile = keyFile, Username = username, PasswordFile = passwordFile,
        };
        if ((certFile is null) != (keyFile is null)) throw new ArgumentException("--cert-file and --key-file go together");
        if (!tls && (caFile ?? certFile) is not null) throw new ArgumentException("--ca-file, --cert-file and --key-file need --broker mqtts://host:port");
        if (passwordFile is not null && username is null) throw new ArgumentException("--password-file needs --username");
        foreach ((string option, string? path) in new[] { ("--ca-file", caFile), ("--cert-file", certFile), ("--key-file", keyFile), ("--password-file", passwordFile) })
        {
            // Checked here, so a typo is a usage error before any connection, not an exception in the transport.
            if (path is not null && !File.Exists(path)) throw new ArgumentException($"{option}: '{path}' does not exist");
        }
        if (o.Scenarios > 0 && (long)o.Scenarios * Models.TagScenario.FleetKinds.Count > o.Tags)
        {
            throw new ArgumentException($"--scenarios {o.Scenarios} needs at least {(long)o.Scenarios * Models.TagScenario.FleetKinds.Count} tags (--tags {o.Tags})");
        }
        if (o.Scenarios > 0 && o.DurationMs < 8 * 3_600_000L)
        {
            throw new ArgumentException("--scenarios needs --duration of at least 8h");
        }
        var fleetError = ContainerTag.Core.Protocol.TagIdentity.CheckId(o.Fleet);
        if (fleetError != ContainerTag.Core.Protocol.IdError.None)
        {
            throw new ArgumentException($"--fleet: '{o.Fleet}': {ContainerTag.Core.Protocol.TagIdentity.Describe(fleetError)}");
        }
        return o;
    }

    public static (string Host, int Port) ParseHostPort(string s)
    {
        if (s.StartsWith("mqtt://", StringComparison.Ordinal)) s = s["mqtt://".Length..].TrimEnd('/');
        int colon = s.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(s[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"--broker: '{s}' is not host:port");
        }
        return (s[..colon], port);
    }

    /// <summary>"30d", "6h", "90m", "45s", "500ms" or a plain number of seconds.</summary>
    public static long ParseDuration(string s)
    {
        (string number, long unit) = s switch
        {
            _ when s.EndsWith("ms", StringComparison.Ordinal) => (s[..^2], 1L),
            _ when s.EndsWith('d') => (s[..^1], 86_400_000L),
            _ when s.EndsWith('h') => (s[..^1], 3_600_000L),
            _ when s.EndsWith('m') => (s[..^1], 60_000L),
            _ when s.EndsWith('s') => (s[..^1], 1000L),
            _ => (s, 1000L),
        };
        // written so NaN fails too (every comparison with NaN is false), and below 1 ms is no duration at all
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v * unit >= 1) || !(v * unit <= 3650.0 * 86_400_000))
        {
            throw new ArgumentException($"--duration: '{s}' is not a duration such as 30d, 6h, 90m");
        }
        return (long)(v * unit);
    }

    private static long ParseTime(string s)
    {
        long ms = long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long unix) ? unix
            : DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.ToUnixTimeMilliseconds()
            : throw new ArgumentException($"--start: '{s}' is neither Unix ms nor an ISO 8601 time");
        // within the years 1..9989, so start + the longest duration and every stamp derived from it stay valid times
        return ms is >= MinStartMs and <= MaxStartMs ? ms : throw new ArgumentException($"--start: '{s}' is outside the years 1..9989");
    }

    private const long MinStartMs = -62_135_596_800_000;
    private const long MaxStartMs = 253_402_300_799_999 - 3650L * 86_400_000;

    private static int PositiveInt(string s, string name) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v
            : throw new ArgumentException($"{name} needs a positive integer");
}
