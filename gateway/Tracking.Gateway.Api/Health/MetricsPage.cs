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

    // 1,000 characters are at most 3,000 bytes of UTF-8 (4 more for a surrogate pair carried over).
    private const int SliceChars = 1_000;

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
                // In slices whose bytes fit one of Kestrel's pooled 4 KB blocks: a larger size hint (the whole page) made
                // it allocate a block of its own for every scrape. The encoder carries a surrogate pair split between two
                // slices over to the next.
                for (ReadOnlySpan<char> rest = chunk.Span; !rest.IsEmpty;)
                {
                    ReadOnlySpan<char> slice = rest[..Math.Min(rest.Length, SliceChars)];
                    Span<byte> into = body.GetSpan((slice.Length * 3) + 4);
                    page._utf8.Convert(slice, into, flush: false, out int used, out int written, out _);
                    body.Advance(written);
                    rest = rest[used..];
                }
            }

            Span<byte> end = body.GetSpan(4);
            page._utf8.Convert([], end, flush: true, out _, out int last, out _);
            body.Advance(last);
        }
        finally
        {
            Volatile.Write(ref s_spare, page);
        }

        return body.FlushAsync().AsTask();
    }
}
