using System.Collections.Concurrent;
using System.Net;
using Tracking.Testing;

namespace Tracking.Gateway.Alerts.Tests;

/// <summary>A loopback HTTP receiver: records each request and answers with the status <c>respond</c> picks for it.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<int, Task<int>> _respond;
    private readonly Task _loop;

    public WebhookReceiver(Func<int, Task<int>> respond)
    {
        _respond = respond;
        int port = FreePort.Get();
        Url = $"http://127.0.0.1:{port}/hook/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public WebhookReceiver(params int[] statuses)
        : this(i => Task.FromResult(i < statuses.Length ? statuses[i] : 204))
    {
    }

    public string Url { get; }

    public ConcurrentQueue<(Dictionary<string, string> Headers, byte[] Body)> Requests { get; } = new();

    private async Task LoopAsync()
    {
        int index = 0;
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            int mine = index++;
            _ = Task.Run(async () =>
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!);
                Requests.Enqueue((headers, body.ToArray()));
                try
                {
                    context.Response.StatusCode = await _respond(mine);
                    context.Response.Close();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    // The client gave up (timeout) or the listener stopped.
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: after a separate Stop, HttpListener's Close binds the port again and can meet a parallel test on it.
        _listener.Close();
        await _loop;
    }
}
