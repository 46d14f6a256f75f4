using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Retry;

namespace Tracking.Gateway.Alerts.Webhooks;

/// <summary>
/// POSTs every notification to each configured webhook, signed (<see cref="WebhookSignature"/>). Each webhook has its own
/// bounded queue and worker: <see cref="PublishAsync"/> only enqueues, so neither the engine nor the other webhooks
/// wait for a slow or dead receiver.
/// </summary>
public sealed class WebhookAlertSink : IAlertSink, IWarningSink, IAsyncDisposable
{
    private readonly WebhookTarget[] _targets;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private int _disposed;

    /// <param name="httpClient">Without one the sink creates and owns one; attempt timeouts are per webhook, not the client's.</param>
    /// <param name="drainTimeout">How long a stop lets each webhook's queue drain.</param>
    /// <param name="spillDirectory">Where a stop keeps each webhook's undelivered notifications for the next start; null: lost.</param>
    public WebhookAlertSink(IEnumerable<WebhookOptions> webhooks, string dcsaSource, Backoff backoff, HttpClient? httpClient = null,
        TimeProvider? time = null, ILogger<WebhookAlertSink>? logger = null, TimeSpan drainTimeout = default, string? spillDirectory = null)
    {
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        ILogger log = (ILogger?)logger ?? NullLogger.Instance;
        _targets = [.. webhooks.Select(w => new WebhookTarget(w, WebhookSignature.ReadSecret(w.SecretFile), dcsaSource, _http, backoff,
            time ?? TimeProvider.System, log, drainTimeout, spillDirectory))];
    }

    internal IReadOnlyList<WebhookTarget> Targets => _targets;

    public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct)
    {
        foreach (WebhookTarget target in _targets) target.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    public ValueTask PublishWarningAsync(WarningNotification notification, CancellationToken ct)
    {
        foreach (WebhookTarget target in _targets) target.Enqueue(notification);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as an IAlertSink: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        foreach (WebhookTarget target in _targets) await target.DisposeAsync().ConfigureAwait(false);
        if (_ownsHttp) _http.Dispose();
    }
}
