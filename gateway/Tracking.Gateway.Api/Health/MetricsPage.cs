using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Tracking.Gateway.Api.Health;

/// <summary>
/// Writes <c>GET /metrics</c>: the Prometheus text is built in a builder kept from the previous scrape and encoded straight
/// into the response, not turned into a string first. A scrape is about 10,000 characters; bench ingest reads the page
/// every 20 ms, and a new builder growing to that size plus its string were about 45 B per message there (issue 11).
/// </summary>
internal sealed class MetricsPage
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    // One page's builder and encoder, kept between scrapes; a scrape while another is writing makes its own.
    private static MetricsPage? s_spare;

    private readonly StringBuilder _text = new(16 * 1024);
    private readonly Encoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();

    public static Task WriteAsync(HttpContext http, IGatewayStatus status)
    {
        MetricsPage page = Interlocked.Exchange(ref s_spare, null) ?? new MetricsPage();
        PipeWriter body = http.Response.BodyWriter;
        try
        {
            page._text.Clear();
            status.WriteMetrics(page._text);
            http.Response.ContentType = ContentType;
            page._utf8.Reset();
            foreach (ReadOnlyMemory<char> chunk in page._text.GetChunks())
            {
                // The encoder carries a surrogate pair split between two chunks over to the next.
                page._utf8.Convert(chunk.Span, body, flush: false, out _, out _);
            }

            page._utf8.Convert([], body, flush: true, out _, out _);
        }
        finally
        {
            Volatile.Write(ref s_spare, page);
        }

        return body.FlushAsync().AsTask();
    }
}
