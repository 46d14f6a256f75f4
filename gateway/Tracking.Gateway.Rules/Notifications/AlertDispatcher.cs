using Microsoft.Extensions.Logging;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Notifications;

/// <summary>
/// The one owner of alert notification delivery (issue 12, README.md "Alerts"): hands the notifications the store owes
/// (<see cref="IRuleStore.DispatchAlertEventsAsync"/>, recorded with each alert change in the same transaction) to every
/// <see cref="IAlertSink"/>, in seq order, and lets the store forget one only when every sink took it (the sinks of
/// Tracking.Gateway.Alerts queue and journal it durably before they return, and throw when they cannot: a full queue, a
/// journal that cannot be written). A sink that throws is logged and stops for the round;
/// the event stays owed and the next round (the engine's next change, its timer, the next start) hands it to that sink
/// again, not to the sinks that took it already (remembered per sink in this process). So every sink gets each
/// notification at least once, and exactly once unless the process dies between a sink taking it and the store forgetting
/// it. Rounds are serialised here and, across gateways sharing a PostgreSQL store, by the store.
/// </summary>
public sealed class AlertDispatcher
{
    /// <summary>Owed notifications per store round.</summary>
    public const int RoundSize = 256;

    private readonly IRuleStore _store;
    private readonly IAlertSink[] _sinks;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    // Per sink: seqs it took that are still owed because another sink failed. Cleared when the store forgot them.
    private readonly HashSet<long>[] _taken;

    public AlertDispatcher(IRuleStore store, IEnumerable<IAlertSink> sinks, ILogger logger)
    {
        _store = store;
        _sinks = [.. sinks];
        _logger = logger;
        _taken = [.. _sinks.Select(_ => new HashSet<long>())];
    }

    /// <summary>
    /// Delivers everything owed now (round after round while rounds are full and complete). Returns how many notifications
    /// every sink took. Store failures propagate (nothing is lost: the events stay owed).
    /// </summary>
    public async Task<int> DispatchAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            int total = 0;
            while (true)
            {
                List<long> done = [];
                int read = 0;
                int forgotten = await _store.DispatchAlertEventsAsync(RoundSize, async (owed, token) =>
                {
                    read = owed.Count;
                    await DeliverAsync(owed, done, token).ConfigureAwait(false);
                    return done;
                }, ct).ConfigureAwait(false);
                // Forgotten by the store: no sink needs to remember taking them.
                foreach (long seq in done)
                {
                    foreach (HashSet<long> taken in _taken) taken.Remove(seq);
                }
                total += forgotten;
                if (read < RoundSize || done.Count < read) return total;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DeliverAsync(IReadOnlyList<AlertEvent> owed, List<long> done, CancellationToken ct)
    {
        var stopped = new bool[_sinks.Length];
        foreach (AlertEvent e in owed)
        {
            bool all = true;
            for (int i = 0; i < _sinks.Length; i++)
            {
                if (_taken[i].Contains(e.Seq)) continue;
                // After a failure a sink gets nothing more this round: its notifications stay in order.
                if (stopped[i])
                {
                    all = false;
                    continue;
                }
                try
                {
                    await _sinks[i].PublishAsync(e.Notification, ct).ConfigureAwait(false);
                    _taken[i].Add(e.Seq);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Engine.Log.SinkFailed(_logger, ex, _sinks[i].GetType().Name, e.Notification.Transition.ToString(), e.Notification.Alert.Id);
                    stopped[i] = true;
                    all = false;
                }
            }
            if (all) done.Add(e.Seq);
        }
        // Seqs another gateway's dispatcher delivered since (or this one's before a failed commit) are owed no more.
        if (owed.Count < RoundSize)
        {
            HashSet<long> still = [.. owed.Select(e => e.Seq)];
            foreach (HashSet<long> taken in _taken) taken.RemoveWhere(seq => !still.Contains(seq));
        }
    }
}
