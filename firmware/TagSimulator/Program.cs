using Microsoft.Extensions.Logging;
using TagSimulator;
using TagSimulator.Fleet;
using TagSimulator.Uplink;

SimulatorOptions options;
try
{
    options = SimulatorOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(SimulatorOptions.Usage);
    return 2;
}
if (args.Contains("--help"))
{
    Console.WriteLine(SimulatorOptions.Usage);
    return 0;
}

if (options.ListContainers)
{
    // The same draw as the run (same seed, tags, duration and scenarios), nothing sent.
    var listed = new FleetSimulation(options, new LoopbackTransport(), options.StartMs ?? 0, recordManifest: false);
    foreach (var tag in listed.Tags)
    {
        string kind = tag.Scenario.Kind is { } k ? TagSimulator.Manifest.ScenarioRecord.KindName(k) : "-";
        Console.WriteLine($"{options.Fleet} {tag.Options.Container} {tag.Options.Tag} {kind}");
    }
    return 0;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("Tracking.Mqtt", LogLevel.Error));
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });

// the voyage ends about now, so InfluxDB and the gateway's clock checks accept every reading
long start = options.StartMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000 - options.DurationMs;
await using var transport = new MqttTransport(options.BrokerHost, options.BrokerPort, options.Fleet, options.Connections, loggerFactory, options.Security);
try
{
    await transport.ConnectAsync(cts.Token).WaitAsync(TimeSpan.FromSeconds(30), cts.Token);
}
catch (Exception e) when (e is not OperationCanceledException)
{
    Console.Error.WriteLine($"cannot connect to the broker {options.BrokerHost}:{options.BrokerPort}: {e.Message}");
    return 1;
}
var sim = new FleetSimulation(options, transport, start, options.ManifestPath is not null);
Console.Error.WriteLine($"{options.Tags} tags, fleet {options.Fleet}, {DateTimeOffset.FromUnixTimeMilliseconds(start):u} .. "
    + $"{DateTimeOffset.FromUnixTimeMilliseconds(sim.EndMs):u}, speed {(double.IsPositiveInfinity(options.Speed) ? "max" : options.Speed + "x")}, seed {options.Seed}, broker {options.BrokerHost}:{options.BrokerPort}");

var progress = new ProgressLine(sim, Console.Error, !Console.IsErrorRedirected, options.Quiet);
var run = Task.Factory.StartNew(() => sim.Run(cts.Token), TaskCreationOptions.LongRunning);
while (!run.IsCompleted)
{
    await Task.WhenAny(run, Task.Delay(progress.Interval));
    progress.Update();
}
await run;
progress.Finish();

if (options.ManifestPath is { } path)
{
    var manifest = sim.BuildManifest();
    manifest.Write(path);
    Console.Error.WriteLine($"manifest: {manifest.ReadingCount} readings of {manifest.Tags.Count} tags -> {path}");
    // an acknowledged payload the manifest could not decode is a tag encoder bug: say so rather than under-count
    foreach (var tag in manifest.Tags.Where(t => t.Rejected > 0))
    {
        Console.Error.WriteLine($"manifest: {tag.Rejected} acknowledged payloads of {tag.Tag} not decoded, last: {tag.LastRejection}");
    }
}
return cts.IsCancellationRequested ? 130 : 0;
