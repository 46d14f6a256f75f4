using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Tracking.Gateway.Alerts.Payloads;
using Tracking.Gateway.Alerts.Queueing;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Retry;

namespace Tracking.Gateway.Alerts.Webhooks;

/// <summary>
/// One webhook URL with a queue of its own, so a dead or slow receiver holds up only itself. Each notification is
/// POSTed until a 2xx, or a 4xx that retrying cannot fix (all but 408 and 429); network errors, timeouts and 5xx are
/// retried with the shared backoff. An <see cref="IAlertSink"/> and <see cref="IWarningSink"/> of its own (registered
/// apart by AddAlertSinks), so that the dispatcher keeps a notification owed for just the webhook whose queue refused it.
/// </summary>
internal sealed class WebhookTarget : IAlertSink, IWarningSink, IAsyncDisposable
{
    private static readonly MediaTypeHeaderValue Json = MediaTypeHeaderValue.Parse("application/json");

    private readonly WebhookOptions _options;
    private readonly byte[] _secret;
    private readonly string _dcsaSource;
    private readonly HttpClient _http;
    private readonly Backoff _backoff;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AlertOutbox<SinkItem> _outbox;
    private long _delivered;
    private long _refused;

    public WebhookTarget(WebhookOptions options, byte[] secret, string dcsaSource, HttpClient http, Backoff backoff, TimeProvider time, ILogger logger,
        TimeSpan drainTimeout = default, string? spillDirectory = null)
    {
        _options = options;
        _secret = secret;
        _dcsaSource = dcsaSource;
        _http = http;
        _backoff = backoff;
        _time = time;
        _logger = logger;
        string name = "webhook " + options.Url;
        string? spill = string.IsNullOrEmpty(spillDirectory) ? null : Path.Combine(spillDirectory, AlertOutbox<SinkItem>.SpillFileName(name));
        _outbox = new AlertOutbox<SinkItem>(name, options.QueueCapacity, DeliverAsync, logger, drainTimeout, spill);
    }

    public string Url => _options.Url;

    public AlertOutbox<SinkItem> Outbox => _outbox;

    /// <summary>Notifications a receiver answered with 2xx.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Notifications given up because the receiver answered with a non-retryable 4xx.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Queued (and journaled, with a journal directory), or refused with nothing queued (<see cref="AlertOutbox{T}.TryEnqueue"/>).</summary>
    public bool TryEnqueue(AlertNotification notification, [NotNullWhen(false)] out AlertQueueRefusedException? refusal) =>
        _outbox.TryEnqueue(notification, out refusal);

    public ValueTask PublishAsync(AlertNotification notification, CancellationToken ct) =>
        TryEnqueue(notification, out AlertQueueRefusedException? refusal) ? ValueTask.CompletedTask : ValueTask.FromException(refusal);

    /// <summary>
    /// Only to webhooks of the project's format: DCSA notifications are alarms, which a warning is not (a DCSA webhook
    /// takes it by sending nothing). Queued (and journaled), or refused with nothing queued, as an alert change.
    /// </summary>
    public bool TryEnqueue(WarningNotification notification, [NotNullWhen(false)] out AlertQueueRefusedException? refusal)
    {
        refusal = null;
        return _options.Format != WebhookFormat.Tracking || _outbox.TryEnqueue(notification, out refusal);
    }

    public ValueTask PublishWarningAsync(WarningNotification notification, CancellationToken ct) =>
        TryEnqueue(notification, out AlertQueueRefusedException? refusal) ? ValueTask.CompletedTask : ValueTask.FromException(refusal);

    private Task DeliverAsync(SinkItem item, CancellationToken ct)
    {
        if (item.Warning is { } warning) return PostAsync(AlertJson.TrackingWarningWebhook(warning), AlertWire.WarningId(warning.Warning), ct);
        AlertNotification notification = item.Alert!;
        byte[] body = _options.Format == WebhookFormat.Dcsa ? AlertJson.Dcsa(notification, _dcsaSource) : AlertJson.TrackingWebhook(notification);
        return PostAsync(body, AlertWire.Id(notification.Alert), ct);
    }

    private async Task PostAsync(byte[] body, string id, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            string reason;
            try
            {
                using HttpResponseMessage response = await SendAsync(body, ct).ConfigureAwait(false);
                int status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _delivered);
                    return;
                }
                if (status is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
                {
                    Interlocked.Increment(ref _refused);
                    Log.WebhookRefused(_logger, _options.Url, id, status);
                    return;
                }
                reason = FormattableString.Invariant($"HTTP {status}");
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                reason = $"no answer within {_options.Timeout}";
            }
            catch (HttpRequestException ex)
            {
                reason = ex.Message;
            }

            TimeSpan delay = _backoff.Delay(attempt);
            Log.WebhookRetry(_logger, _options.Url, attempt, id, reason, delay);
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(byte[] body, CancellationToken ct)
    {
        // Signed per attempt: the timestamp says when this request was made, so a receiver's freshness check holds.
        long timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(_secret, timestamp, body));
        if (_options.Format == WebhookFormat.Dcsa) request.Headers.Add("API-Version", "1.0.0");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
        return response;
    }

    public ValueTask DisposeAsync() => _outbox.DisposeAsync();
}
