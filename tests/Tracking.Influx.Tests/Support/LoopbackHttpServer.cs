using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Tracking.Testing;

namespace Tracking.Influx.Tests.Support;

/// <summary>A real HTTP server (HttpListener) on 127.0.0.1 and a free port that records requests.</summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<RecordedRequest, CannedResponse> _respond;
    private readonly Task _loop;

    private LoopbackHttpServer(HttpListener listener, int port, Func<RecordedRequest, CannedResponse> respond)
    {
        _listener = listener;
        Port = port;
        _respond = respond;
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static LoopbackHttpServer Start(Func<RecordedRequest, CannedResponse> respond, int? port = null)
    {
        for (int attempt = 0; ; attempt++)
        {
            int p = port ?? FreePort.Get();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{p}/");
            try
            {
                listener.Start();
                return new LoopbackHttpServer(listener, p, respond);
            }
            catch (HttpListenerException) when (port is null && attempt < 5)
            {
                listener.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone (it stops too): after a separate Stop the managed HttpListener's Close looks the port up again, and
        // fails with "address in use" when a parallel test took the freed port meanwhile.
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
            // The accept loop may end with an exception when the listener closes.
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            try
            {
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (string? name in context.Request.Headers.AllKeys)
                {
                    if (name is not null)
                    {
                        headers[name] = context.Request.Headers[name] ?? "";
                    }
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var recorded = new RecordedRequest(context.Request.HttpMethod, context.Request.Url!, headers, body.ToArray());
                Requests.Enqueue(recorded);
                CannedResponse canned = _respond(recorded);
                context.Response.StatusCode = canned.Status;
                foreach (var (name, value) in canned.Headers ?? new Dictionary<string, string>())
                {
                    context.Response.Headers[name] = value;
                }

                if (canned.Body is not null)
                {
                    byte[] bytes = Encoding.UTF8.GetBytes(canned.Body);
                    context.Response.ContentType = "application/json";
                    context.Response.ContentLength64 = bytes.Length;
                    await context.Response.OutputStream.WriteAsync(bytes);
                }

                context.Response.Close();
            }
            catch (Exception)
            {
                context.Response.Abort();
            }
        }
    }
}
