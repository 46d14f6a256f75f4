using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tracking.Gateway.Rules.Hosting;

/// <summary>
/// Loads the saved rule state at start, then calls <see cref="RuleEngine.CheckTimersAsync"/> every
/// <see cref="RulesOptions.SilenceCheckInterval"/> on the <see cref="TimeProvider"/>: silence is decided by the clock,
/// not by the arrival of a message, and escalations need no message either.
/// </summary>
public sealed class RulesTimerService(RuleEngine engine, IOptions<RulesOptions> options, TimeProvider time, ILogger<RulesTimerService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Rules switched off: nothing feeds the engine, so every tag would look silent.
        if (!options.Value.Enabled) return;
        await engine.LoadAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.SilenceCheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await engine.CheckTimersAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A store that is briefly unavailable must not end the timer: the next tick tries again.
                Engine.Log.TimerFailed(logger, ex);
            }
        }
    }
}
