using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tracking.Mqtt;

namespace Tracking.Bench;

/// <summary>
/// Publishes contract v1 telemetry (docs/protocol.md) for many containers, as fast as the window allows or
/// at a fixed rate, from its own process so the gateway's measurements are not disturbed. Each reading's
/// timestamp is its publish time (ms), so a poller can compute end-to-end latency from InfluxDB alone.
/// </summary>
internal static class TelemetryPublisher
{
    /// <param name="PriorMessages">
    /// Messages an earlier plan of the same fleet published (the warm-up): each container's sequence numbers go on from
    /// where that plan left them, so the gateway sees the same tags go on reporting, not replays of their first readings.
    /// </param>
    /// <param name="EndsAgoMs">
    /// How long before its start the plan's flat-out timeline ends: a warm-up's readings lie before the measured plan's,
    /// so the gateway's rules see one tag's readings in order (0: the timeline ends now).
    /// </param>
    public sealed record Plan(string Host, int Port, int Messages, int Containers, int ReadingsPerMessage, int Rate, string Fleet,
        int PriorMessages = 0, long EndsAgoMs = 0)
    {
        /// <summary>The span of one container's flat-out timeline (a reading a second): how far back the plan's readings go.</summary>
        public long TimelineMs => (((long)Messages / Containers) + 1) * ReadingsPerMessage * 1000L;
    }

    public static string Arguments(Plan p) =>
        string.Join(' ', p.Host, p.Port, p.Messages, p.Containers, p.ReadingsPerMessage, p.Rate, p.Fleet, p.PriorMessages, p.EndsAgoMs);

    public static async Task<int> RunAsync(string[] args)
    {
        var p = new Plan(args[0], Int(args[1]), Int(args[2]), Int(args[3]), Int(args[4]), Int(args[5]), args[6], Int(args[7]),
            long.Parse(args[8], CultureInfo.InvariantCulture));
        var containers = Enumerable.Range(0, p.Containers).Select(ContainerNumbers.Make).ToArray();
        var topics = containers.Select(c => $"tracking/v1/{p.Fleet}/{c}/tag-{c[^4..]}/telemetry").ToArray();
        // Message i goes to container i % Containers, in the prior plan as in this one.
        var seq = Enumerable.Range(0, p.Containers)
            .Select(c => ((long)(p.PriorMessages / p.Containers) + (c < p.PriorMessages % p.Containers ? 1 : 0)) * p.ReadingsPerMessage)
            .ToArray();
        long firstSeq = seq.Min();
        await using var client = new MqttClient(new MqttClientOptions
        {
            Host = p.Host, Port = p.Port, ProtocolVersion = MqttProtocolVersion.V311, MaxInflight = 200,
            ClientId = "bench-publisher-" + Environment.ProcessId,
        });
        await client.ConnectAsync();
        long timelineStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - p.EndsAgoMs - p.TimelineMs;
        var payload = new StringBuilder(64 + 48 * p.ReadingsPerMessage);
        // Flat out, the payloads are made before the measured window: it measures the path, not this generator.
        // At a fixed rate a reading is stamped with its publish time (latency = queryable - timestamp), so it is made
        // when sent; flat out, each container gets its own 1-second timeline ending now, so no two readings of a
        // series share a millisecond (they would overwrite each other: replays are idempotent by design).
        byte[][] prepared = p.Rate > 0 ? [] : Enumerable.Range(0, p.Messages).Select(i => Payload(i, -1)).ToArray();
        // Started, compiled and connected: the measured window starts at the first publish, when the parent says go.
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
        if (Console.In.ReadLine() != "go") return 3;
        TimeSpan cpuAtGo = Process.GetCurrentProcess().TotalProcessorTime;
        var pending = new Queue<ValueTask<MqttPublishResult>>();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < p.Messages; i++)
        {
            byte[] body;
            if (p.Rate > 0)
            {
                // Fixed rate: message i leaves at i / rate seconds.
                var due = TimeSpan.FromSeconds((double)i / p.Rate) - watch.Elapsed;
                if (due > TimeSpan.FromMilliseconds(1)) await Task.Delay(due);
                body = Payload(i, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (p.ReadingsPerMessage - 1) * 1000L);
            }
            else
            {
                body = prepared[i];
            }

            pending.Enqueue(client.PublishAsync(topics[i % p.Containers], body));
            if (pending.Count >= 200) await pending.Dequeue();
        }
        while (pending.Count > 0) await pending.Dequeue();
        await client.DisconnectAsync();
        // The parent reads this to put the publisher's share of the 2 cores beside the others'.
        Console.Error.WriteLine(FormattableString.Invariant($"cpu-seconds {(Process.GetCurrentProcess().TotalProcessorTime - cpuAtGo).TotalSeconds:0.000}"));
        return 0;

        // Message i of the plan: the next readings of container i % Containers, the first at t0 (-1: on its timeline).
        byte[] Payload(int i, long t0)
        {
            int c = i % p.Containers;
            if (t0 < 0) t0 = timelineStart + ((seq[c] - firstSeq) * 1000L);
            payload.Clear();
            payload.Append(CultureInfo.InvariantCulture, $"{{\"v\":1,\"boot\":1,\"seq\":{seq[c]},\"t0\":{t0},\"bat\":3.91,\"r\":[");
            for (int r = 0; r < p.ReadingsPerMessage; r++)
            {
                if (r > 0) payload.Append(',');
                double temp = 4 + ((seq[c] + r) % 37) / 10.0;
                payload.Append(CultureInfo.InvariantCulture, $"[{r * 1000},{temp:0.##},55.2,1013.2,0.12]");
            }
            payload.Append("]}");
            seq[c] += p.ReadingsPerMessage;
            return Encoding.UTF8.GetBytes(payload.ToString());
        }
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}

/// <summary>The publisher as a child process: started and connected first, then told to go.</summary>
internal sealed class PublisherProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private PublisherProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static async Task<PublisherProcess> StartAsync(TelemetryPublisher.Plan plan)
    {
        var psi = BenchSupport.SelfProcess($"publish-telemetry {TelemetryPublisher.Arguments(plan)}");
        psi.RedirectStandardInput = psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var publisher = new PublisherProcess(Process.Start(psi)!);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? line = await publisher._process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line != "ready")
        {
            publisher.Dispose();
            throw new InvalidOperationException("publisher did not start: " + await publisher._stderr);
        }

        return publisher;
    }

    public int Id => _process.Id;

    public void Go()
    {
        _process.StandardInput.WriteLine("go");
        _process.StandardInput.Flush();
    }

    /// <summary>Waits until every message is acknowledged; returns the publisher's CPU seconds.</summary>
    public async Task<double> CompletionAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await _process.WaitForExitAsync(timeout.Token);
        string err = await _stderr;
        if (_process.ExitCode != 0) throw new InvalidOperationException("publisher failed: " + err);
        int at = err.LastIndexOf("cpu-seconds ", StringComparison.Ordinal);
        return at < 0 ? 0 : double.Parse(err[(at + 12)..].Trim(), CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(true);
        _process.Dispose();
    }
}

/// <summary>Valid ISO 6346 container numbers: owner code, category U, serial, check digit (the contract's own rule in Core).</summary>
internal static class ContainerNumbers
{
    public static string Make(int index)
    {
        string body = "TRKU" + (100000 + index).ToString("D6", CultureInfo.InvariantCulture);
        return body + ContainerTag.Core.Protocol.TagIdentity.Iso6346CheckDigit(body).ToString(CultureInfo.InvariantCulture);
    }
}
