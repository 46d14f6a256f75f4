using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Alerts.Queueing;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Retry;

namespace Tracking.Gateway.Alerts.Webhooks;

/// <summary>
/// POSTs every notification to each configured webhook, signed (<see cref="WebhookSignature"/>). Each webhook has its own
/// bounded queue and worker: <see cref="PublishAsync"/> only enqueues, so neither the engine nor the other webhooks
/// wait for a slow or dead receiver. AddAlertSinks registers each webhook as an <see cref="IAlertSink"/> and an
/// <see cref="IWarningSink"/> of its own (<see cref="AlertSinks"/>, <see cref="WarningSinks"/>), so that a webhook whose
/// queue refuses a notification holds up only itself; used as one sink, this one takes a notification only when every
/// webhook did (see <see cref="PublishAsync"/>).
/// </summary>
public sealed class WebhookAlertSink : IAlertSink, IWarningSink, IAsyncDisposable
{
    private readonly WebhookTarget[] _targets;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Lock _partialLock = new();
    // The last notification (an alert change or a warning) some webhooks took and others refused, and which took it (see PublishAsync).
    private (object Notification, bool[] Taken)? _partial;
    private int _disposed;

    /// <param name="httpClient">Without one the sink creates and owns one; attempt timeouts are per webhook, not the client's.</param>
    /// <param name="drainTimeout">How long a stop lets each webhook's queue drain.</param>
    /// <param name="spillDirectory">Where each webhook's queue is journaled until delivered, for the next start; null: nowhere.</param>
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

    /// <summary>One <see cref="IAlertSink"/> per webhook, in the configured order, each with its own queue.</summary>
    public IReadOnlyList<IAlertSink> AlertSinks => _targets;

    /// <summary>The same webhooks as <see cref="IWarningSink"/>s (each the same object as in <see cref="AlertSinks"/>).</summary>
    public IReadOnlyList<IWarningSink> WarningSinks => _targets;

    /// <summary>
    /// Queues the notification for every webhook, or throws (<see cref="AlertQueueRefusedException"/>, or an
    /// <see cref="AggregateException"/> of them) when a webhook's queue refused it; the others have it queued all the
    /// same. The dispatcher hands a refused notification to this sink again first (it stops a sink for the round at a
    /// failure), and then only the webhooks that refused it get it: the sink remembers which took it (the last such
    /// notification, compared by value, as the rule store reads it again).
    /// </summary>
    public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct) => Publish(notification);

    /// <summary>As <see cref="PublishAsync"/>: a warning is owed by the rule store too, and refused the same way.</summary>
    public ValueTask PublishWarningAsync(WarningNotification notification, CancellationToken ct) => Publish(notification);

    /// <summary><paramref name="notification"/>: an <see cref="AlertNotification"/> or a <see cref="WarningNotification"/>.</summary>
    private ValueTask Publish(object notification)
    {
        lock (_partialLock)
        {
            bool[] taken = _partial is { } partial && partial.Notification.Equals(notification) ? partial.Taken : new bool[_targets.Length];
            List<AlertQueueRefusedException>? refusals = null;
            for (int i = 0; i < _targets.Length; i++)
            {
                if (taken[i]) continue;
                AlertQueueRefusedException? refusal;
                bool queued = notification is WarningNotification warning
                    ? _targets[i].TryEnqueue(warning, out refusal)
                    : _targets[i].TryEnqueue((AlertNotification)notification, out refusal);
                if (queued) taken[i] = true;
                else (refusals ??= []).Add(refusal!);
            }
            _partial = refusals is null ? null : (notification, taken);
            if (refusals is null) return ValueTask.CompletedTask;
            return ValueTask.FromException(refusals.Count == 1 ? refusals[0] : new AggregateException(refusals));
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as an IAlertSink: the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        foreach (WebhookTarget target in _targets) await target.DisposeAsync().ConfigureAwait(false);
        if (_ownsHttp) _http.Dispose();
    }
}
