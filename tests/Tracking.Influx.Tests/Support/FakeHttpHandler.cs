using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Tracking.Influx.Tests.Support;

/// <summary>In-process HTTP server stand-in: records each request and answers with <see cref="Respond"/>,
/// which may also throw (e.g. <see cref="HttpRequestException"/> to play a refused connection).</summary>
public sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly Func<RecordedRequest, CancellationToken, Task<CannedResponse>> _respond;

    public FakeHttpHandler(Func<RecordedRequest, CannedResponse> respond)
        : this((r, _) => Task.FromResult(respond(r)))
    {
    }

    public FakeHttpHandler(Func<RecordedRequest, CancellationToken, Task<CannedResponse>> respond) => _respond = respond;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public HttpClient CreateClient() => new(this, disposeHandler: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in request.Headers)
        {
            headers[h.Key] = string.Join(",", h.Value);
        }

        byte[] body = [];
        if (request.Content is not null)
        {
            foreach (var h in request.Content.Headers)
            {
                headers[h.Key] = string.Join(",", h.Value);
            }

            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        }

        var recorded = new RecordedRequest(request.Method.Method, request.RequestUri!, headers, body);
        Requests.Enqueue(recorded);
        CannedResponse canned = await _respond(recorded, cancellationToken);
        var response = new HttpResponseMessage((HttpStatusCode)canned.Status) { RequestMessage = request };
        if (canned.Body is not null)
        {
            response.Content = new StringContent(canned.Body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in canned.Headers ?? new Dictionary<string, string>())
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
