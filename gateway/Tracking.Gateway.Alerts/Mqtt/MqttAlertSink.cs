using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Gateway.Alerts.Payloads;
using Tracking.Gateway.Alerts.Queueing;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Notifications;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Alerts.Mqtt;

/// <summary>
/// Publishes each notification as a protocol.md 4.5 event on <c>tracking/v1/{fleet}/{container}/alert</c> (QoS 1, not
/// retained) and the container's open alerts, retained, on <c>.../alerts</c>; an empty retained message clears the
/// summary when none is left. Queued: publishing never waits for the broker.
/// </summary>
public sealed class MqttAlertSink : QueuedAlertSink
{
    private readonly IAlertPublisher _publisher;
    private readonly IRuleStore? _store;
    private readonly ILogger _logger;

    // Per container: its open (or acknowledged) alerts by store id. Only the outbox's worker touches it.
    private readonly Dictionary<ContainerKey, Dictionary<long, Alert>> _open = [];

    /// <param name="store">Seeds a container's summary the first time it is touched after a start, so alerts opened
    /// before a restart stay in it; without one the summary only knows the alerts seen since the start.</param>
    public MqttAlertSink(IAlertPublisher publisher, IRuleStore? store = null, int queueCapacity = 10_000, ILogger<MqttAlertSink>? logger = null,
        TimeSpan drainTimeout = default, string? spillDirectory = null)
        : base("mqtt", queueCapacity, (ILogger?)logger ?? NullLogger.Instance, drainTimeout, spillDirectory)
    {
        _publisher = publisher;
        _store = store;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    private protected override async Task DeliverAsync(AlertNotification notification, CancellationToken ct)
    {
        Alert alert = notification.Alert;
        if (AlertJson.Event(notification) is { } payload)
        {
            await SendAsync(AlertWire.EventTopic(alert.Container), payload, retain: false, ct).ConfigureAwait(false);
        }

        Dictionary<long, Alert> open = await OpenAlertsAsync(alert.Container, ct).ConfigureAwait(false);
        if (notification.Transition == AlertTransition.Resolved || alert.State == AlertState.Resolved) open.Remove(alert.Id);
        else open[alert.Id] = alert;

        // Empty retained payload: the broker deletes the retained message (MQTT 3.3.1.3), so "none open" costs nothing.
        byte[] summary = open.Count == 0 ? [] : AlertJson.OpenAlerts(open.Values, notification.At);
        await SendAsync(AlertWire.OpenTopic(alert.Container), summary, retain: true, ct).ConfigureAwait(false);
    }

    /// <summary>A warning is an event on the alert topic only: it is no alert, so the retained summary (4.6) does not list it.</summary>
    private protected override Task DeliverWarningAsync(WarningNotification notification, CancellationToken ct) =>
        SendAsync(AlertWire.EventTopic(notification.Warning.Container), AlertJson.Warning(notification), retain: false, ct);

    private async Task<Dictionary<long, Alert>> OpenAlertsAsync(ContainerKey container, CancellationToken ct)
    {
        if (_open.TryGetValue(container, out Dictionary<long, Alert>? open)) return open;
        open = [];
        if (_store is not null)
        {
            foreach (AlertState state in (AlertState[])[AlertState.Open, AlertState.Acknowledged])
            {
                var query = new AlertQuery(state, container.Fleet, container.Container, Limit: 10_000);
                foreach (Alert stored in await _store.ListAlertsAsync(query, ct).ConfigureAwait(false)) open[stored.Id] = stored;
            }
        }
        _open[container] = open;
        return open;
    }

    private async Task SendAsync(string topic, byte[] payload, bool retain, CancellationToken ct)
    {
        if (await _publisher.PublishAsync(topic, payload, retain, ct).ConfigureAwait(false) is { } refusal)
        {
            Log.MqttRefused(_logger, topic, refusal);
        }
    }

}
