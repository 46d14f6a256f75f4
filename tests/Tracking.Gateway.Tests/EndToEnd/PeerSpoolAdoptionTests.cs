using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tracking.Gateway.Ingest.Pipeline;
using Tracking.Mqtt;
using Tracking.Testing;

namespace Tracking.Gateway.Tests.EndToEnd;

/// <summary>
/// Issue 14's spool gap through real processes, mosquitto and influxd: gateway B (a child process) acknowledges and
/// spools every message but cannot reach InfluxDB, and is SIGKILLed; gateway A, given B's spool directory in
/// Spool:Peers, gets B's lock (the OS dropped it with B) and writes B's records to InfluxDB, exactly once each, without
/// B ever running again. B, started again while its lock is held by another process, waits with a log line, and then
/// finds its spool drained.
/// </summary>
public sealed class PeerSpoolAdoptionTests : RealServersTest
{
    private const int Messages = 120;
    private const long T0 = 1_732_600_000_000;
    private const string Group = "adopt-test";

    private readonly string _spoolA = NewSpool();
    private readonly string _spoolB = NewSpool();

    private static string NewSpool() => Path.Combine(Path.GetTempPath(), "tracking-tests", "gw-" + Guid.NewGuid().ToString("N"));

    private string[] ArgsB(int httpPort) =>
    [
        "--mqtt-url", $"mqtt://127.0.0.1:{Broker.Port}", "--influx-url", $"http://127.0.0.1:{FreePort.Get()}", "--influx-db", Db,
        "--influx-version", "1", "--spool-dir", _spoolB, "--http-url", $"http://127.0.0.1:{httpPort}", "--mqtt-client-id", "gw-b",
        "--Influx:Retry:MaxDelay=00:00:01", "--Rules:Store:Kind=memory", $"--Mqtt:SharedGroup={Group}",
    ];

    private string[] ArgsA() =>
    [
        "--mqtt-url", $"mqtt://127.0.0.1:{Broker.Port}", "--influx-url", Influxd.Url.ToString(), "--influx-db", Db,
        "--influx-version", "1", "--spool-dir", _spoolA, "--http-url", "http://127.0.0.1:0", "--mqtt-client-id", "gw-a",
        "--Influx:Retry:MaxDelay=00:00:01", "--Rules:Store:Kind=memory", $"--Mqtt:SharedGroup={Group}",
        $"--Spool:Peers:0={_spoolB}", "--Spool:AdoptInterval=00:00:00.500",
    ];

    [Fact]
    public async Task A_survivor_writes_a_killed_peers_spooled_readings_once_and_the_peer_finds_its_spool_drained()
    {
        int httpB = FreePort.Get();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using (GatewayProcess b = GatewayProcess.Start(ArgsB(httpB)))
        {
            await b.WaitForOutputAsync(o => o.Contains("Subscribed to", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            await PublishAsync();
            // B acknowledged every message only once it was in B's spool; InfluxDB is out of its reach
            await WaitForAsync(async () => await MetricOfAsync(http, httpB, "tracking_gateway_messages_spooled_total") == Messages,
                "B did not spool every message");
            Assert.Equal(0, await CountAsync());
        } // SIGKILL (Dispose kills the process tree): no flush, no goodbye

        var (appA, a) = await StartInProcessAsync(ArgsA());
        await using (appA)
        {
            await WaitForAsync(async () => await CountAsync() == Messages, "A did not write B's spooled readings");
            // the adopter counts a record once the writer confirmed it, which InfluxDB can show a moment before
            await WaitForAsync(() => Task.FromResult(MetricsOf(a).Contains("tracking_gateway_spool_adoptions_total 1\n", StringComparison.Ordinal)),
                "A did not finish the adoption");
            string metrics = MetricsOf(a);
            Assert.Contains($"tracking_gateway_spool_adopted_records_total{{reader=\"writer\"}} {Messages}\n", metrics, StringComparison.Ordinal);
            Assert.Contains("tracking_gateway_spool_adoptions_total 1\n", metrics, StringComparison.Ordinal);
            // through B's spool, not the broker: B acknowledged them all, so nothing was delivered again
            Assert.Equal(0, a.Metrics.Received);
            Assert.Equal(Enumerable.Range(0, Messages).Select(i => T0 + (i * 1000L)), await TimesAsync());
            await appA.StopAsync();
        }

        // B comes back while another process holds its spool's lock (as a survivor draining it would)
        using (Process holder = HoldLock(_spoolB))
        using (GatewayProcess b = GatewayProcess.Start(ArgsB(FreePort.Get())))
        {
            try
            {
                await b.WaitForOutputAsync(o => o.Contains("is locked by another process", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
                await Task.Delay(1500);
                Assert.DoesNotContain("Subscribed to", b.Output, StringComparison.Ordinal);
            }
            finally
            {
                holder.Kill(entireProcessTree: true);
                await holder.WaitForExitAsync();
            }

            string output = await b.WaitForOutputAsync(o => o.Contains("Subscribed to", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            Assert.Contains("unlocked after", output, StringComparison.Ordinal);
            Assert.Contains("0 spooled record(s) to write", output, StringComparison.Ordinal);
        }

        Assert.Equal(Messages, await CountAsync());
    }

    /// <summary>Telemetry of one reading each from eight tags, each at a time of its own: one row of env per message.</summary>
    private async Task PublishAsync()
    {
        await using MqttClient pub = await PublisherAsync();
        for (int i = 0; i < Messages; i++)
        {
            string topic = $"tracking/v1/fleet1/CSQU3054383/tag-{i % 8}/telemetry";
            string payload = string.Create(CultureInfo.InvariantCulture,
                $"{{\"v\":1,\"boot\":1,\"seq\":{i},\"t0\":{T0 + (i * 1000L)},\"bat\":3.9,\"r\":[[0,5.5,50.5,1000.25,0.5]]}}");
            await pub.PublishAsync(topic, Encoding.UTF8.GetBytes(payload), MqttQos.AtLeastOnce);
        }
    }

    private async Task<long> CountAsync()
    {
        using var doc = JsonDocument.Parse(await Influxd.QueryAsync("SELECT count(temp_c) FROM env", Db));
        JsonElement result = doc.RootElement.GetProperty("results")[0];
        return result.TryGetProperty("series", out JsonElement series) ? series[0].GetProperty("values")[0][1].GetInt64() : 0;
    }

    private async Task<long[]> TimesAsync()
    {
        using var doc = JsonDocument.Parse(await Influxd.QueryAsync("SELECT temp_c FROM env", Db));
        JsonElement values = doc.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values");
        return [.. values.EnumerateArray()
            .Select(v => DateTimeOffset.Parse(v[0].GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds()).Order()];
    }

    private static string MetricsOf(GatewayService service)
    {
        var text = new StringBuilder();
        service.WriteMetrics(text);
        return text.ToString();
    }

    private static async Task<double> MetricOfAsync(HttpClient http, int port, string series)
    {
        string text;
        try { text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"); }
        catch (HttpRequestException) { return double.NaN; }
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal)) return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
        }

        return double.NaN;
    }

    /// <summary>Another process (bash with util-linux flock: the flock(2) .NET takes) holding the spool directory's lock.</summary>
    private static Process HoldLock(string directory)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        foreach (string a in (string[])["-c", "exec 9<>\"$0\"; flock -x -n 9 || exit 3; echo locked; exec sleep 600", Path.Combine(directory, "lock")])
        {
            psi.ArgumentList.Add(a);
        }

        Process child = Process.Start(psi)!;
        Assert.Equal("locked", child.StandardOutput.ReadLine());
        return child;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(seconds), what);
            await Task.Delay(100);
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (string spool in (string[])[_spoolA, _spoolB])
        {
            try { Directory.Delete(spool, true); } catch (DirectoryNotFoundException) { }
        }
    }
}
