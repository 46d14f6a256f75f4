using ContainerTag.Core.Hardware;

namespace TagSimulator.Time;

/// <summary>
/// One tag's clock in simulated time. The scheduler sets the simulated instant of each wake; the
/// hardware models advance it by the time each operation would take on the device (sensor
/// conversion, Wi-Fi association, round trips), so Core measures awake and radio time exactly as on
/// the device, without any wall-clock reading.
/// </summary>
public sealed class SimClock : IClock
{
    private long _wakeStartMs;
    private long _uptimeMs;
    private long _unsyncedOffsetMs;

    /// <summary>The true simulated Unix ms (what a synced clock shows).</summary>
    public long SimNowMs => _wakeStartMs + _uptimeMs;

    public long NowMs => IsSynced ? SimNowMs : SimNowMs + _unsyncedOffsetMs;

    public bool IsSynced { get; private set; }

    public long UptimeMs => _uptimeMs;

    /// <summary>A wake from deep sleep: the RTC keeps running, the process (uptime) starts again.</summary>
    public void BeginWake(long simMs, long bootMs)
    {
        _wakeStartMs = simMs;
        _uptimeMs = bootMs;
    }

    /// <summary>A cold boot: the RTC restarts from an arbitrary origin and is unsynced until SNTP.</summary>
    public void PowerOn(long unsyncedOffsetMs)
    {
        IsSynced = false;
        _unsyncedOffsetMs = unsyncedOffsetMs;
    }

    public void Advance(long ms) => _uptimeMs += ms;

    /// <summary>SNTP answered: from now on the clock shows the true time.</summary>
    public void Sync() => IsSynced = true;
}
