using Tracking.Bench;

// Benchmarks print comparable figures: each result next to a raw limit measured in the same run.
var name = args.FirstOrDefault() ?? "help";
var rest = args.Skip(1).ToArray();
switch (name)
{
    case "mqtt-subscribe":
        return await MqttSubscribeBenchmark.RunAsync(rest);
    case "ingest":
        return await IngestBenchmark.RunAsync(rest);
    case "firmware":
        return FirmwareBenchmark.Run(rest);
    case "line-protocol":
        return LineProtocolBenchmark.Run(rest);
    case "prediction":
        return await PredictionBenchmark.RunAsync(rest);
    case "report":
        return await ReportBenchmark.RunAsync(rest);
    case "rules":
        return await RulesCostBenchmark.RunAsync(rest);
    case "fleet-list":
        return await FleetListBenchmark.RunAsync(rest);
    case "dashboard-render":
        return await DashboardRenderBenchmark.RunAsync(rest);
    case "history":
        return await HistoryBenchmark.RunAsync(rest);
    case "sse-fanout":
        return await SseFanoutBenchmark.RunAsync(rest);
    case "publish-telemetry": // child process of ingest
        return await TelemetryPublisher.RunAsync(rest);
    case "mqtt-fill": // child process of mqtt-subscribe
        return await MqttSubscribeBenchmark.FillAsync(rest);
    default:
        Console.WriteLine("usage: dotnet run -c Release --project bench/Tracking.Bench -- <benchmark> [options]");
        Console.WriteLine("  mqtt-subscribe [--messages N] [--rounds N]   Tracking.Mqtt vs mosquitto_sub draining QoS 1 messages");
        Console.WriteLine("  ingest [--readings N] [--containers N] [--rate N] [--latency-seconds N] [--outage-seconds N] [--cold-fleet]");
        Console.WriteLine("                                               gateway end to end vs mosquitto_sub and influxd bulk writes");
        Console.WriteLine("  firmware [--tags N] [--days N] [--seed N]    bytes per reading (batches of 15) and modelled battery life from a simulator run");
        Console.WriteLine("  line-protocol [--points N]                   LineProtocolBuffer vs InfluxDB.Client's PointData encoding points");
        Console.WriteLine("  prediction [--seeds N] [--days N]            predictive warnings on simulated compressor failures, door openings, noise");
        Console.WriteLine("  report [--days N] [--rounds N]                a trip report of one container (readings every 5 min) from a private influxd");
        Console.WriteLine("  rules [--containers N] [--readings-per-container N] [--warmup-per-container N] [--interval-s N] [--save-every-s N] [--new-fleet] [--feed]");
        Console.WriteLine("                                               rule cost per reading (ns, bytes) with many active containers");
        Console.WriteLine("  fleet-list [--containers N] [--requests N]   GET /api/v1/containers p50/p99 at fleet scale vs GET /healthz");
        Console.WriteLine("  dashboard-render [--containers N] [--rounds N] first render of the dashboard's fleet page in chromium");
        Console.WriteLine("  history [--days N] [--rounds N]              GET .../readings (30 days, 24 h) through the gateway vs the raw InfluxQL");
        Console.WriteLine("  sse-fanout [--clients N] [--readings N] [--containers N] [--rounds N] [--rate N] [--lag-seconds N]");
        Console.WriteLine("                                               ingest with N clients on GET /api/v1/stream vs without");
        Console.WriteLine("  firmware --write-power-budget FILE           write hardware/power-budget.md from Core's energy model");
        return name == "help" ? 0 : 2;
}
