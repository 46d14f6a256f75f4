using System.Diagnostics;
using System.Text;
using ContainerTag.Core.Energy;
using TagSimulator;
using TagSimulator.Fleet;
using TagSimulator.Uplink;

namespace Tracking.Bench;

/// <summary>
/// The tag's two budgets from a simulator run (Core's own encoder and duty cycle over simulated
/// hardware, in-memory broker): bytes per reading on the wire in batches of 15, and the battery life
/// from Core's datasheet currents with the awake and radio-on times the run measured.
/// </summary>
public static class FirmwareBenchmark
{
    private const double CellMah = 3000;
    private const double TargetBytesPerReading = 40;
    private const double TargetDays = 365;

    public static int Run(string[] args)
    {
        int write = Array.IndexOf(args, "--write-power-budget");
        if (write >= 0 && write + 1 < args.Length)
        {
            // the datasheet/default-duty-cycle budget of hardware/power-budget.md, without a simulator run
            File.WriteAllText(args[write + 1], Tracking.Hardware.PowerBudget.Render());
            Console.WriteLine($"wrote {args[write + 1]}");
            return 0;
        }
        int tags = Arg(args, "--tags", 100);
        int days = Arg(args, "--days", 30);
        var options = SimulatorOptions.Parse(["--tags", tags.ToString(), "--duration", days + "d", "--seed", Arg(args, "--seed", 1).ToString()]);
        var transport = new LoopbackTransport();
        var perReading15 = new List<double>();
        var perReadingAll = new List<double>();
        transport.OnPublish = (_, topic, payload) =>
        {
            if (!topic.EndsWith("/telemetry", StringComparison.Ordinal)) return;
            int readings = CountReadings(payload);
            lock (perReadingAll)
            {
                perReadingAll.Add((double)payload.Length / readings);
                if (readings == 15) perReading15.Add(payload.Length / 15.0);
            }
        };
        long start = 1_767_225_600_000;
        var sim = new FleetSimulation(options, transport, start, recordManifest: false);
        // report every 75 min at 5-min sampling: batches of 15, the size budget's reference case (protocol section 6)
        foreach (var tag in sim.Tags)
        {
            transport.Retain(tag.Controller.Identity.ConfigTopic,
                Encoding.ASCII.GetBytes("{\"v\":1,\"sample_s\":300,\"report_s\":4500,\"t_lo\":2.0,\"t_hi\":8.0,\"t_delay_s\":600,\"shock_g\":4.0,\"bat_lo\":3.4}"));
        }
        var sw = Stopwatch.StartNew();
        sim.Run(CancellationToken.None);
        Console.WriteLine($"firmware: {tags} simulated tags x {days} days in {sw.Elapsed.TotalSeconds:F1} s ({sim.Counters.Wakes} wakes, {sim.Counters.Reports} reports)");

        perReading15.Sort();
        perReadingAll.Sort();
        Console.WriteLine();
        Console.WriteLine("bytes per reading on the wire (telemetry payload / readings; Core's TelemetryEncoder, simulator values)");
        Console.WriteLine($"  batches of 15: n={perReading15.Count}  p50 {P(perReading15, 0.5):F1}  p95 {P(perReading15, 0.95):F1}  p99 {P(perReading15, 0.99):F1}  max {P(perReading15, 1):F1}   target <= {TargetBytesPerReading}");
        Console.WriteLine($"  all batches:   n={perReadingAll.Count}  p50 {P(perReadingAll, 0.5):F1}  p95 {P(perReadingAll, 0.95):F1}  max {P(perReadingAll, 1):F1} (short batches after shocks/alarms carry the header alone)");

        long wakes = sim.Tags.Sum(t => t.Wakes);
        long sessions = sim.Tags.Sum(t => (long)t.Uplink.Sessions + t.Uplink.FailedConnects);
        long radio = sim.Tags.Sum(t => t.Uplink.RadioMs);
        long awake = sim.Tags.Sum(t => t.AwakeMs);
        double radioPerReport = (double)radio / sessions;
        double awakePerWake = (double)(awake - radio) / wakes;
        double ma = BatteryModel.AverageCurrentMa(300, 3600, awakePerWake, radioPerReport);
        double mahPerDay = ma * 24;
        double life = CellMah / mahPerDay;
        Console.WriteLine();
        Console.WriteLine("battery (5-min sampling, hourly reports; ContainerTag.Core Energy model)");
        Console.WriteLine($"  assumptions: sleep {EnergyConstants.SleepTotalMa * 1000:F1} uA (ESP32 deep sleep {EnergyConstants.Esp32DeepSleepUa} + ADXL343 wake-on-shock {EnergyConstants.Adxl343MeasuringUa} + BME280 {EnergyConstants.Bme280SleepUa} + board {EnergyConstants.BoardQuiescentUa}),");
        Console.WriteLine($"               CPU awake {EnergyConstants.ActiveCpuMa} mA, Wi-Fi on {EnergyConstants.RadioOnMa} mA; full {CellMah} mAh cell, no self-discharge or temperature derating");
        Console.WriteLine($"  measured in the run: awake {awakePerWake:F0} ms per wake (radio off), radio on {radioPerReport:F0} ms per report (incl. failed scans)");
        Console.WriteLine($"  average {ma * 1000:F0} uA = {mahPerDay:F2} mAh/day -> {life:F0} days on {CellMah} mAh   target >= {TargetDays}");
        bool ok = P(perReading15, 1) <= TargetBytesPerReading && life >= TargetDays;
        Console.WriteLine(ok ? "targets met" : "TARGET MISSED");
        return ok ? 0 : 1;
    }

    private static int CountReadings(byte[] payload)
    {
        // each reading is one '[' inside "r":[...]; the outer array adds one
        int r = payload.AsSpan().IndexOf("\"r\":["u8);
        return payload.AsSpan(r).Count((byte)'[') - 1;
    }

    private static double P(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - (q > 0 ? 1 : 0))];

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out int v) ? v : fallback;
    }
}
