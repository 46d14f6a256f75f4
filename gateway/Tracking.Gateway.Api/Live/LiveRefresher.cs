using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Gateway.Rules;
using Tracking.Gateway.Rules.Alerts;
using Tracking.Gateway.Rules.Hosting;
using Tracking.Gateway.Rules.Profiles;
using Tracking.Gateway.Rules.Store;

namespace Tracking.Gateway.Api.Live;

/// <summary>
/// Fills the live view after a start and keeps what the spool reader does not carry up to date. At start: the store's
/// unresolved alerts, then each tag's newest reading and status from <see cref="ILiveHistory"/> (InfluxDB), retried
/// until it answers (the spool reader meanwhile adds what is new; newest wins either way). Then every
/// <see cref="LiveOptions.RefreshInterval"/>: the predictive warnings and the profile of each container with news; and at
/// once, whenever the board asks (<see cref="LiveBoard.WaitUrgentAsync"/>): those of a container first seen or whose
/// assignment, fleet default or profile changed, so the list never shows a container without the profile in force.
/// </summary>
internal sealed class LiveRefresher(LiveBoard board, IRuleStore store, RuleEngine engine, ILiveHistory history, IOptions<LiveOptions> options,
    IOptions<RulesOptions> rules, TimeProvider time, ILogger<LiveRefresher> logger, ProfileDirectory profiles) : BackgroundService
{
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        await RefillAsync(ct);
        List<ContainerKey> keys = [];
        // Each wait is kept until it completes: a new one per turn would leave the other's waiter behind every time.
        Task periodic = Task.Delay(options.Value.RefreshInterval, time, ct);
        Task urgent = board.WaitUrgentAsync(ct);
        while (!ct.IsCancellationRequested)
        {
            Task first = await Task.WhenAny(periodic, urgent);
            await first; // throws when stopping
            if (first == urgent)
            {
                await RefreshUrgentAsync(keys, ct);
                urgent = board.WaitUrgentAsync(ct);
            }
            else
            {
                await RefreshAsync(keys, ct);
                periodic = Task.Delay(options.Value.RefreshInterval, time, ct);
            }
        }
    }

    internal async Task RefreshUrgentAsync(List<ContainerKey> keys, CancellationToken ct)
    {
        keys.Clear();
        board.TakeUrgent(keys);
        await ReadAsync(keys, ct);
    }

    internal async Task RefillAsync(CancellationToken ct)
    {
        TimeSpan delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                var alerts = new List<Alert>();
                alerts.AddRange(await store.ListAlertsAsync(new AlertQuery(AlertState.Open, Limit: int.MaxValue), ct));
                alerts.AddRange(await store.ListAlertsAsync(new AlertQuery(AlertState.Acknowledged, Limit: int.MaxValue), ct));
                board.LoadAlerts(alerts);
                LatestSnapshot latest = options.Value.RefillLookback > TimeSpan.Zero
                    ? await history.LatestAsync(options.Value.RefillLookback, ct)
                    : new LatestSnapshot([], []);
                foreach ((ContainerKey key, string tag, LiveReading reading) in latest.Readings)
                {
                    board.ApplyReadings(key, tag, reading.TimeMs, [reading], publish: false);
                }
                foreach ((ContainerKey key, string tag, LiveTagStatus status) in latest.Statuses) board.ApplyStatus(key, tag, status, publish: false);
                Log.Refilled(logger, alerts.Count, latest.Readings.Count, latest.Statuses.Count, board.Count);
                await RefreshAsync([], ct);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Log.RefillFailed(logger, delay.TotalSeconds, ex.Message);
                await Task.Delay(delay, time, ct);
                delay = delay * 2 > MaxRetry ? MaxRetry : delay * 2;
            }
        }
    }

    internal async Task RefreshAsync(List<ContainerKey> keys, CancellationToken ct)
    {
        keys.Clear();
        board.TakeRefresh(keys);
        await ReadAsync(keys, ct);
    }

    private async Task ReadAsync(List<ContainerKey> keys, CancellationToken ct)
    {
        foreach (ContainerKey key in keys)
        {
            try
            {
                // The profile first: a client told of it reads the warnings computed with it next.
                board.ApplyProfile(key, await profiles.AssignedProfileAsync(key, ct) ?? rules.Value.DefaultProfile);
                board.ApplyWarnings(key, await engine.WarningsAsync(key, ct));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Log.RefreshFailed(logger, ex.Message);
            }
        }
    }
}
