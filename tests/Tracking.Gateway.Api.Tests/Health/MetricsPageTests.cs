using System.Text;
using Microsoft.AspNetCore.Http;
using Tracking.Gateway.Api.Health;

namespace Tracking.Gateway.Api.Tests.Health;

/// <summary>
/// <c>GET /metrics</c> (issue 11: bench ingest reads it every 20 ms): the page reaches the response byte for byte, and a
/// scrape does not allocate the page again (a builder growing to its size, then a string of it).
/// </summary>
public sealed class MetricsPageTests
{
    [Fact]
    public async Task The_page_reaches_the_response_as_UTF8_whatever_the_builder_chunks()
    {
        // Longer than the kept builder's first chunk, with a character outside the BMP (a surrogate pair) here and there.
        var status = new PageStatus(40_000, "fleet=\"north-\U0001F6A2\"");
        var body = new MemoryStream();
        var http = new DefaultHttpContext { Response = { Body = body } };

        await MetricsPage.WriteAsync(http, status);
        await MetricsPage.WriteAsync(http, status); // the kept builder, a second time

        string page = status.Text;
        Assert.Equal(MetricsPage.ContentType, http.Response.ContentType);
        Assert.Equal(Encoding.UTF8.GetBytes(page + page), body.ToArray());
    }

    [Fact]
    public async Task A_scrape_allocates_far_less_than_the_page()
    {
        var status = new PageStatus(10_000, "fleet=\"single1\"");
        var http = new DefaultHttpContext { Response = { Body = Stream.Null } };
        for (int i = 0; i < 5; i++) await MetricsPage.WriteAsync(http, status);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Task write = MetricsPage.WriteAsync(http, status);
            Assert.True(write.IsCompletedSuccessfully);
        }
        double perScrape = (GC.GetAllocatedBytesForCurrentThread() - before) / 100.0;

        // A page of 10,000 characters: its string alone is 20 KB, and a new builder growing to it as much again.
        Assert.True(perScrape < 1_000, $"{perScrape:0} B allocated per scrape");
    }

    /// <summary>A status whose metrics are <c>chars</c> characters of sample lines, appended a line at a time as the gateway's are.</summary>
    private sealed class PageStatus(int chars, string label) : IGatewayStatus
    {
        private readonly string[] _lines = Build(chars, label).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        public string Text => string.Concat(_lines.Select(l => l + "\n"));

        public IReadOnlyList<string> HealthProblems() => [];

        public void WriteMetrics(StringBuilder text)
        {
            foreach (string line in _lines) text.Append(line).Append('\n');
        }

        private static string Build(int chars, string label)
        {
            var text = new StringBuilder();
            for (int i = 0; text.Length < chars; i++) text.Append("tracking_test_total{").Append(label).Append("} ").Append(i).Append('\n');
            return text.ToString();
        }
    }
}
