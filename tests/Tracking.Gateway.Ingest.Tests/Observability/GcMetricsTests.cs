using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Tracking.Gateway.Ingest.Observability;

namespace Tracking.Gateway.Ingest.Tests.Observability;

/// <summary>/metrics carries the process's managed allocations and collections, which bench ingest divides by the messages of a run.</summary>
public sealed partial class GcMetricsTests
{
    [GeneratedRegex(@"^tracking_gateway_gc_allocated_bytes_total (\d+)$", RegexOptions.Multiline)]
    private static partial Regex Allocated();

    private static long AllocatedOf(GatewayMetrics metrics)
    {
        var text = new StringBuilder();
        metrics.WritePrometheus(text, new GatewayMetrics.Gauges(true, 0, 0, 0, false, 0));
        Match match = Allocated().Match(text.ToString());
        Assert.True(match.Success, "no tracking_gateway_gc_allocated_bytes_total line in:\n" + text);
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            Assert.Contains($"tracking_gateway_gc_collections_total{{generation=\"{generation}\"}} ", text.ToString());
        }

        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [Fact]
    public void The_allocated_bytes_grow_with_what_the_process_allocates()
    {
        var metrics = new GatewayMetrics();
        long before = AllocatedOf(metrics);
        byte[] kept = new byte[4 * 1024 * 1024];
        long after = AllocatedOf(metrics);
        Assert.True(after - before >= kept.Length, $"{before} -> {after} after allocating {kept.Length} bytes");
        GC.KeepAlive(kept);
    }
}
