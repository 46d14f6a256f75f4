using System.Diagnostics;

namespace Tracking.Bench;

/// <summary>
/// N stream clients (<see cref="SseClient"/>) attached to one of `ingest`'s gateway runs: connected to
/// <c>GET /api/v1/stream?fleet=</c> of the run's fleet before the warm-up, each reading every event; at the end of the run
/// each must have had every reading of every telemetry message (in <c>readings</c> events). They run in this benchmark's process, on the same
/// 2 cores as everything else; their CPU is shown beside the gateway's.
/// </summary>
internal sealed class SseClients(int count, bool lag, bool viaHttpClient = false) : IGatewayRunObserver, IDisposable
{
    /// <summary>How long the clients may take, after the last reading is queryable, to receive the last events.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<SseClient> _clients = [];
    private readonly List<Task> _running = [];
    private HttpClient? _http;
    private long _queryableAt;
    private int _warmup;

    public string CpuName => $"bench ({count} SSE clients)";

    public int Expected { get; private set; }

    public IReadOnlyList<SseClient> Clients => _clients;

    /// <summary>After the last reading was queryable in influxd, until the last client had every reading.</summary>
    public TimeSpan DrainedAfter { get; private set; }

    public async Task AttachAsync(GatewayProcess gateway, string fleet, int readings)
    {
        _warmup = readings;
        if (viaHttpClient)
        {
            // One connection per client (HTTP/1.1 allows one response at a time per connection), never timed out.
            _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = count + 1 })
            {
                BaseAddress = gateway.BaseUrl, Timeout = Timeout.InfiniteTimeSpan,
            };
        }
        for (int i = 0; i < count; i++)
        {
            // Nothing is expected until the warm-up is through (StartAsync).
            var client = new SseClient(gateway.BaseUrl, $"api/v1/stream?fleet={fleet}", int.MaxValue, lag, _http);
            _clients.Add(client);
            _running.Add(Task.Run(() => client.RunAsync(_stop.Token)));
        }
        Task all = Task.WhenAll(_clients.Select(c => c.Connected));
        if (await Task.WhenAny(all, Task.WhenAny(_running), Task.Delay(TimeSpan.FromSeconds(30))) != all)
        {
            await Task.WhenAll(_running.Where(t => t.IsCompleted)); // throws the client's failure, if one failed
            throw new TimeoutException($"{_clients.Count(c => c.Connected.IsCompleted)} of {count} stream clients connected in 30 s");
        }
    }

    public async Task StartAsync(GatewayProcess gateway, int messages)
    {
        Expected = messages;
        // Every client has every warm-up reading before the count starts again: none of them can arrive later and be
        // counted as a measured one.
        var waited = Stopwatch.StartNew();
        while (_clients.Any(c => c.Readings < _warmup))
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"{_clients.Count(c => c.Readings < _warmup)} of {count} stream clients did not receive the "
                    + $"warm-up's {_warmup:N0} readings in 30 s (fewest {_clients.Min(c => c.Readings):N0})");
            }
            await Task.Delay(20);
        }
        foreach (SseClient client in _clients)
        {
            if (client.Readings != _warmup) throw new InvalidDataException($"a stream client counted {client.Readings:N0} warm-up readings of {_warmup:N0}");
            client.Recount(messages);
        }
    }

    public async Task StopAsync(GatewayProcess gateway)
    {
        _queryableAt = Stopwatch.GetTimestamp();
        Task all = Task.WhenAll(_clients.Select(c => c.Done));
        await Task.WhenAny(all, Task.Delay(DrainTimeout));
        long last = _clients.Where(c => c.Done.IsCompleted).Select(c => c.DoneAt).DefaultIfEmpty(_queryableAt).Max();
        DrainedAfter = last > _queryableAt ? Stopwatch.GetElapsedTime(_queryableAt, last) : TimeSpan.Zero;
        await _stop.CancelAsync();
        foreach (Task t in _running)
        {
            try
            {
                await t;
            }
            catch (OperationCanceledException)
            {
            }
            catch (HttpRequestException) when (_stop.IsCancellationRequested)
            {
            }
            catch (IOException) when (_stop.IsCancellationRequested)
            {
            }
            catch (System.Net.Sockets.SocketException) when (_stop.IsCancellationRequested)
            {
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        _http?.Dispose();
    }
}
