using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TagSimulator;
using TagSimulator.Fleet;
using TagSimulator.Manifest;
using TagSimulator.Uplink;
using Tracking.Testing;
using Tracking.Testing.EndToEnd;
using Xunit;

namespace Tracking.Chaos.Tests;

/// <summary>
/// Issue 14's scale-out run, once for <see cref="ScaleOutTests"/>: three gateway processes in one shared group
/// (<c>Mqtt:Takeover</c> on) on one mosquitto, one influxd and one PostgreSQL rule store, the simulator's fleet paced over
/// <see cref="ChaosSize.Wall"/>; the third gateway is SIGKILLed at 40 % of the voyage and not restarted, so the share
/// mosquitto keeps queueing for its session reaches InfluxDB only through a survivor's takeover. Afterwards the manifest
/// is compared with InfluxDB (what gw-3 acknowledged and had not yet handed on was in its spool, which a survivor adopts:
/// Spool:Peers), then gw-3 is started again on its own spool (it finds it drained) and compared again; the gateways stay
/// up for the alert comparison (<see cref="CompareAlertsAsync"/>).
/// </summary>
public sealed class ScaleOutRun : IAsyncLifetime
{
    public const string Database = "tracking";
    public const string Fleet = "scale";
    public const string Group = "chaos-scale";
    public const double KillAt = 0.4;

    private static readonly TimeSpan CatchUpLimit = TimeSpan.FromMinutes(3);

    private readonly StringBuilder _log = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _connectionFile = Path.Combine(Path.GetTempPath(), "tracking-tests", $"pg-{Guid.NewGuid():N}.conn");
    private MqttTransport? _transport;
    private FleetSimulation? _simulation;
    private Task _voyage = Task.CompletedTask;

    public ChaosSize Size { get; } = ChaosSize.Current;
    public MosquittoServer Mqtt { get; private set; } = null!;
    public InfluxdServer Influx { get; private set; } = null!;
    public PostgresServer Postgres { get; private set; } = null!;
    public List<GatewayProcess> Gateways { get; } = [];
    public StoredReadings Store { get; private set; } = null!;

    /// <summary>Messages each gateway received (its /metrics), the killed one's as of half way to its kill.</summary>
    public long[] Received { get; } = new long[3];

    /// <summary>Messages the survivors drained from the killed member's session.</summary>
    public long TakenOver { get; private set; }

    /// <summary>Records of gw-3's spool the survivors wrote to InfluxDB (and handed to their rules) after its kill.</summary>
    public long AdoptedWritten { get; private set; }

    public long AdoptedRules { get; private set; }

    /// <summary>Adoptions of gw-3's spool that found records (0 when gw-3 had written everything before it died).</summary>
    public long Adoptions { get; private set; }

    /// <summary>CPU seconds of each survivor at the end of the run.</summary>
    public double[] CpuSeconds { get; } = new double[3];

    /// <summary>The manifest against InfluxDB after the voyage, gw-3 still dead: what the takeover and the adoption of its spool brought.</summary>
    public ReadingComparison ReadingsWhileDead { get; private set; } = null!;

    /// <summary>
    /// The same after gw-3 was started again on its own spool (the restart policy): a member SIGKILLed between acknowledging
    /// a message and writing it holds the only copy on its disk; a survivor that can reach that disk adopted it already, so
    /// the restart must find nothing left to add and double nothing.
    /// </summary>
    public ReadingComparison Readings { get; private set; } = null!;
    public FleetManifest Manifest { get; private set; } = null!;
    public ProfileRules Rules { get; private set; } = null!;
    public TimeSpan VoyageTook { get; private set; }

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    private void Note(string line)
    {
        lock (_log) _log.Append(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds,6:0.0}s {line}\n");
    }

    public async Task InitializeAsync()
    {
        Mqtt = await MosquittoServer.StartAsync(new MosquittoOptions
        {
            Persistence = true,
            // no cap on the queue of an offline session; $SYS every second for the broker gauges
            ExtraConfig = ["max_queued_messages 0", "sys_interval 1"],
        });
        Influx = await InfluxdServer.StartAsync();
        await Influx.CreateDatabaseAsync(Database);
        Postgres = await PostgresServer.StartAsync();
        await Postgres.CreateDatabaseAsync("rules");
        Directory.CreateDirectory(Path.GetDirectoryName(_connectionFile)!);
        await File.WriteAllTextAsync(_connectionFile, Postgres.ConnectionString("rules"));
        Store = new StoredReadings(Influx.Url, Database);
        // gw-3 cannot reach InfluxDB (a closed port): everything it acknowledges stays in its spool until it is killed, so
        // only a survivor's adoption of that spool can store it while gw-3 stays dead.
        Uri unreachable = new($"http://127.0.0.1:{FreePort.Get()}");
        for (int i = 1; i <= 3; i++)
        {
            Gateways.Add(new GatewayProcess($"mqtt://127.0.0.1:{Mqtt.Port}", i == 3 ? unreachable : Influx.Url, Database, $"gw-{i}",
                $"--Rules:DefaultProfile={ChaosRig.Profile}", "--Rules:Store:Kind=postgres", $"--Rules:Store:PostgresConnectionFile={_connectionFile}",
                // the rules shared through the store's input log, a dead member's partitions taken within a second
                "--Rules:Shared:Enabled=true", "--Rules:Shared:RebalanceInterval=00:00:01",
                $"--Mqtt:SharedGroup={Group}", "--Mqtt:Takeover=true", "--Mqtt:TakeoverAfter=00:00:02", "--Mqtt:TakeoverQuiet=00:00:01"));
        }

        // Each lists the others' spools (one host here): a survivor takes a dead member's spool lock and drains it, so what
        // gw-3 acknowledged and had not yet written or handed to the rules is stored without gw-3 running again.
        for (int i = 0; i < 3; i++)
        {
            string[] peers = [.. Gateways.Where((_, j) => j != i).Select((g, k) => $"--Spool:Peers:{k}={g.SpoolDirectory}")];
            Gateways[i].AddArguments([.. peers, "--Spool:AdoptInterval=00:00:01"]);
        }

        // The first alone (it creates the store's schema), then the other two side by side.
        await Gateways[0].StartAsync();
        await Task.WhenAll(Gateways.Skip(1).Select((g, i) => g.StartAsync(requireHealthy: i == 0)));
        Note($"started: {Size}; mosquitto {Mqtt.Port}, influxd {Influx.Port}, postgres {Postgres.Port}");
        foreach (GatewayProcess gateway in Gateways)
        {
            await WaitForAsync(async () => await MetricAsync(gateway, "tracking_gateway_group_members{state=\"online\"}") == 3,
                "a gateway never saw the three members online");
        }

        await RunAsync();
    }

    private async Task RunAsync()
    {
        Rules = await ProfileRules.ReadAsync(Gateways[0], ChaosRig.Profile);
        var options = SimulatorOptions.Parse(
        [
            "--fleet", Fleet, "--tags", $"{Size.Tags}", "--duration", Size.Duration, "--seed", "14",
            "--scenarios", $"{Size.ScenarioSets}", "--connections", "2", "--workers", "4",
        ]);
        options.Speed = options.DurationMs / Size.Wall.TotalMilliseconds;
        long start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000) - options.DurationMs;
        _transport = new MqttTransport("127.0.0.1", Mqtt.Port, options.Fleet, options.Connections, NullLoggerFactory.Instance);
        await _transport.ConnectAsync(CancellationToken.None);
        _simulation = new FleetSimulation(options, _transport, start, recordManifest: true);
        foreach (VirtualTag tag in _simulation.Tags) tag.Uplink.RealTimeoutMs = 5_000;
        FleetSimulation simulation = _simulation;
        double Progress() => (double)(simulation.SimulatedNowMs - simulation.StartMs) / (simulation.EndMs - simulation.StartMs);

        var took = Stopwatch.StartNew();
        _voyage = Task.Run(() => simulation.Run(CancellationToken.None));
        // its share before the kill is read ahead of it: /metrics can take seconds to answer on a loaded machine
        while (Progress() < KillAt / 2 && !_voyage.IsCompleted) await Task.Delay(50);
        Received[2] = (long)await MetricAsync(Gateways[2], "tracking_gateway_messages_received_total");
        while (Progress() < KillAt && !_voyage.IsCompleted) await Task.Delay(50);
        await Gateways[2].KillAsync();
        Note($"gw-3 SIGKILLed at {Progress():P0} of the voyage ({Received[2]} messages received by {KillAt / 2:P0})");
        await _voyage;
        VoyageTook = took.Elapsed;
        Note($"voyage over in {VoyageTook.TotalSeconds:0.0} s: {simulation.Counters.ReadingsAcknowledged} readings acknowledged");

        Manifest = simulation.BuildManifest();
        if (!await Store.WaitForCountAsync(Fleet, Manifest.ReadingCount, CatchUpLimit))
        {
            Note($"only {await Store.CountAsync(Fleet)} of {Manifest.ReadingCount} readings stored after {CatchUpLimit}");
        }

        // the takeover of the last messages queued for gw-3 ends a quiet period after them
        await Task.Delay(TimeSpan.FromSeconds(2));
        ReadingsWhileDead = await Store.CompareAsync(Manifest, Fleet);
        Note($"readings with gw-3 dead: {ReadingsWhileDead}");
        for (int i = 0; i < 2; i++)
        {
            Received[i] = (long)await MetricAsync(Gateways[i], "tracking_gateway_messages_received_total");
            TakenOver += (long)await MetricAsync(Gateways[i], "tracking_gateway_group_takeover_messages_total");
            Adoptions += (long)await MetricAsync(Gateways[i], "tracking_gateway_spool_adoptions_total");
            AdoptedWritten += (long)await MetricAsync(Gateways[i], "tracking_gateway_spool_adopted_records_total{reader=\"writer\"}");
            AdoptedRules += (long)await MetricAsync(Gateways[i], "tracking_gateway_spool_adopted_records_total{reader=\"rules\"}");
            CpuSeconds[i] = Gateways[i].CpuTime?.TotalSeconds ?? double.NaN;
        }

        string store = await MetricsTextAsync(Gateways[0]) is var text && text.Split('\n')
            .FirstOrDefault(l => l.StartsWith("tracking_gateway_broker_store_messages ", StringComparison.Ordinal)) is { } line ? line : "no $SYS store gauge";
        Note($"received per gateway {string.Join(", ", Received)} (gw-3 until its kill); drained by takeover {TakenOver}; "
            + $"gw-3's spool adopted {Adoptions} time(s): {AdoptedWritten} record(s) written, {AdoptedRules} to the rules; "
            + $"survivors' CPU {CpuSeconds[0]:0.0} s, {CpuSeconds[1]:0.0} s; {store}; load {LoadAverage()}");

        await Gateways[2].StartAsync(requireHealthy: false);
        if (!await Store.WaitForCountAsync(Fleet, Manifest.ReadingCount, CatchUpLimit))
        {
            Note($"only {await Store.CountAsync(Fleet)} of {Manifest.ReadingCount} readings stored after gw-3's restart");
        }

        Readings = await Store.CompareAsync(Manifest, Fleet);
        Note($"readings after gw-3 restarted on its spool: {Readings}");
    }

    /// <summary>
    /// The fleet's alerts in the PostgreSQL store (through gw-1's API) against the manifest's, polled until equal for 1 s or
    /// a minute has passed: how many expected ones were found and how many others there were.
    /// </summary>
    public async Task<(int Expected, int Found, int Unexpected, string Detail)> CompareAlertsAsync()
    {
        List<AlertFact> expected = ExpectedAlerts.From(Manifest, Rules, await Store.A0TimesAsync(Manifest, Fleet));
        var sw = Stopwatch.StartNew();
        TimeSpan sameSince = TimeSpan.MaxValue;
        while (true)
        {
            List<(AlertFact Fact, long Id)> now = await FleetAlerts.ReadAsync(Gateways[0], Fleet);
            var missing = expected.ToList();
            int unexpected = now.Count(a => !missing.Remove(a.Fact));
            bool exact = missing.Count == 0 && unexpected == 0;
            sameSince = exact ? (sameSince == TimeSpan.MaxValue ? sw.Elapsed : sameSince) : TimeSpan.MaxValue;
            if ((exact && sw.Elapsed - sameSince >= TimeSpan.FromSeconds(1)) || sw.Elapsed > TimeSpan.FromMinutes(1))
            {
                string detail = $"alerts:\n  {string.Join("\n  ", now.Select(a => a.Fact))}\nexpected:\n  {string.Join("\n  ", expected)}";
                return (expected.Count, expected.Count - missing.Count, unexpected, detail);
            }

            await Task.Delay(250);
        }
    }

    public static async Task<string> MetricsTextAsync(GatewayProcess gateway) => await gateway.Http.GetStringAsync(gateway.Url("metrics"));

    /// <summary>One series of the gateway's /metrics; NaN when absent.</summary>
    public static async Task<double> MetricAsync(GatewayProcess gateway, string series)
    {
        foreach (string line in (await MetricsTextAsync(gateway)).Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal)) return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
        }

        return double.NaN;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException(what);
            await Task.Delay(200);
        }
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Trim(); }
        catch (IOException) { return "?"; }
    }

    public async Task DisposeAsync()
    {
        try { await _voyage; } catch (Exception) { }
        if (_transport is not null) await _transport.DisposeAsync();
        // All killed before any spool directory goes: a live member adopts its peers' directories and would write into
        // one being deleted (Directory not empty).
        await Task.WhenAll(Gateways.Select(g => g.KillAsync()));
        foreach (GatewayProcess gateway in Gateways) await gateway.DisposeAsync();
        Store?.Dispose();
        if (Mqtt is not null) await Mqtt.DisposeAsync();
        if (Influx is not null) await Influx.DisposeAsync();
        if (Postgres is not null) await Postgres.DisposeAsync();
        File.Delete(_connectionFile);
    }
}
