using System.Diagnostics;
using System.Text;
using InfluxDB.Client.Writes;
using Tracking.Influx.LineProtocol;
using ClientPrecision = InfluxDB.Client.Api.Domain.WritePrecision;

namespace Tracking.Bench;

/// <summary>
/// Encoding the gateway's telemetry point (2 tags, 4 fields, ms timestamp) with our LineProtocolBuffer and with
/// InfluxDB.Client's PointData (built, then ToLineProtocol and UTF-8, as its WriteApi sends it). The raw limit is
/// copying the same UTF-8 lines, precomputed, into a buffer: what encoding costs at the least.
/// </summary>
public static class LineProtocolBenchmark
{
    public static int Run(string[] args)
    {
        int points = BenchSupport.IntOption(args, "--points", 200_000);
        string[] containers = [.. Enumerable.Range(0, 1000).Select(i => $"CSQU{3054383 + i:D7}")];
        byte[][] precomputed = [.. Enumerable.Range(0, points).Select(i => Encoding.UTF8.GetBytes(PointDataLine(containers, i) + "\n"))];
        using var buffer = new LineProtocolBuffer(WritePrecision.Milliseconds, 1 << 20);
        var raw = new byte[1 << 20];

        for (int round = 0; round < 2; round++) // the first round warms up
        {
            var (rawTime, rawBytes) = Measure(() =>
            {
                int at = 0;
                foreach (byte[] line in precomputed)
                {
                    if (at + line.Length > raw.Length) at = 0;
                    line.CopyTo(raw.AsSpan(at));
                    at += line.Length;
                }
            });
            buffer.Clear(); // keeps the line index grown in the warm-up round, as a long-running writer's buffer does
            var (oursTime, oursBytes) = Measure(() =>
            {
                for (int i = 0; i < points; i++)
                {
                    if (buffer.ByteCount > (1 << 20) - 256) buffer.Clear();
                    buffer.BeginLine("telemetry").Tag("container", containers[i % containers.Length]).Tag("fleet", "f")
                        .FloatField("temperature", 21.5 + i % 10).FloatField("humidity", 55.25).FloatField("pressure", 1013.1)
                        .IntegerField("seq", i).End(1_718_100_000_000L + i);
                }
            });
            var (clientTime, clientBytes) = Measure(() =>
            {
                for (int i = 0; i < points; i++)
                {
                    _ = Encoding.UTF8.GetBytes(PointDataLine(containers, i));
                }
            });
            if (round == 0) continue;
            Console.WriteLine($"line-protocol: {points} points (2 tags, 4 fields)");
            Console.WriteLine($"  raw copy of precomputed lines: {rawTime.TotalMilliseconds,8:F1} ms  {rawBytes / (double)points,7:F1} B/point allocated");
            Console.WriteLine($"  Tracking.Influx LineProtocolBuffer: {oursTime.TotalMilliseconds,8:F1} ms  {oursBytes / (double)points,7:F1} B/point  ({oursTime / rawTime:F1}x raw)");
            Console.WriteLine($"  InfluxDB.Client PointData:    {clientTime.TotalMilliseconds,8:F1} ms  {clientBytes / (double)points,7:F1} B/point  ({clientTime / rawTime:F1}x raw)");
            Console.WriteLine($"  ratio PointData / ours: time {clientTime / oursTime:F1}x, allocations {(oursBytes == 0 ? "inf" : (clientBytes / (double)oursBytes).ToString("F0"))}{(oursBytes == 0 ? $" ({clientBytes / (double)points:F0} B vs 0 B per point)" : "x")}");
            bool met = oursBytes < points && oursTime < clientTime;
            Console.WriteLine($"  target: 0 B/point allocated by ours and faster than PointData: {(met ? "met" : "NOT met")}");
        }

        return 0;
    }

    private static string PointDataLine(string[] containers, int i) =>
        PointData.Measurement("telemetry").Tag("container", containers[i % containers.Length]).Tag("fleet", "f")
            .Field("temperature", 21.5 + i % 10).Field("humidity", 55.25).Field("pressure", 1013.1)
            .Field("seq", (long)i).Timestamp(1_718_100_000_000L + i, ClientPrecision.Ms).ToLineProtocol();

    private static (TimeSpan Time, long Allocated) Measure(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        long started = Stopwatch.GetTimestamp();
        action();
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        return (elapsed, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
