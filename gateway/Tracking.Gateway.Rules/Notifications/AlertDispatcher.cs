using Microsoft.Extensions.Logging;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Rules.Notifications;

/// <summary>
/// The one owner of notification delivery (issue 12, README.md "Alerts"): hands the notifications the store owes
/// (<see cref="IRuleStore.DispatchAlertEventsAsync"/>, recorded with each alert change and each predictive warning's issue
/// or end in the same transaction) to the sinks, in seq order: an alert change to every <see cref="IAlertSink"/>, a
/// warning to every <see cref="IWarningSink"/>; a sink registered as both (the same object) is one sink, whose
/// notifications of either kind keep their order. The store forgets a notification only when every sink it is for took
/// it (the sinks of Tracking.Gateway.Alerts queue and journal it durably before they return, and throw when they cannot:
/// a full queue, a journal that cannot be written). A sink that throws is logged and stops for the round;
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
    // Per sink (one object, whichever of the two interfaces it was registered as): its alert side, its warning side (null:
    // not registered as that), parallel arrays.
    private readonly IAlertSink?[] _alertSinks;
    private readonly IWarningSink?[] _warningSinks;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    // Per sink: seqs it took that are still owed because another sink failed. Cleared when the store forgot them.
    private readonly HashSet<long>[] _taken;

    /// <param name="warningSinks">Where predictive warnings go; an object also in <paramref name="sinks"/> is the same sink.</param>
    public AlertDispatcher(IRuleStore store, IEnumerable<IAlertSink> sinks, ILogger logger, IEnumerable<IWarningSink>? warningSinks = null)
    {
        _store = store;
        List<object> all = [];
        List<IAlertSink?> alerts = [];
        List<IWarningSink?> warnings = [];
        foreach (IAlertSink sink in sinks)
        {
            all.Add(sink);
            alerts.Add(sink);
            warnings.Add(null);
        }
        foreach (IWarningSink sink in warningSinks ?? [])
        {
            int at = all.FindIndex(s => ReferenceEquals(s, sink));
            if (at >= 0)
            {
                warnings[at] = sink;
                continue;
            }
            all.Add(sink);
            alerts.Add(null);
            warnings.Add(sink);
        }
        _alertSinks = [.. alerts];
        _warningSinks = [.. warnings];
        _logger = logger;
        _taken = [.. all.Select(_ => new HashSet<long>())];
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
        var stopped = new bool[_taken.Length];
        foreach (AlertEvent e in owed)
        {
            bool all = true;
            for (int i = 0; i < _taken.Length; i++)
            {
                // Not for this sink (a warning, and the sink takes alerts only, or the reverse): nothing to take.
                if (e.Warning is null ? _alertSinks[i] is null : _warningSinks[i] is null) continue;
                if (_taken[i].Contains(e.Seq)) continue;
                // After a failure a sink gets nothing more this round: its notifications stay in order.
                if (stopped[i])
                {
                    all = false;
                    continue;
                }
                try
                {
                    if (e.Warning is { } warning) await _warningSinks[i]!.PublishWarningAsync(warning, ct).ConfigureAwait(false);
                    else await _alertSinks[i]!.PublishAsync(e.Notification!, ct).ConfigureAwait(false);
                    _taken[i].Add(e.Seq);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailure(ex, i, e);
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

    private void LogFailure(Exception ex, int sink, AlertEvent e)
    {
        if (e.Warning is { } w)
        {
            Engine.Log.WarningSinkFailed(_logger, ex, _warningSinks[sink]!.GetType().Name, w.Transition.ToString(), w.Warning.Band);
        }
        else
        {
            AlertNotification n = e.Notification!;
            Engine.Log.SinkFailed(_logger, ex, _alertSinks[sink]!.GetType().Name, n.Transition.ToString(), n.Alert.Id);
        }
    }
}
