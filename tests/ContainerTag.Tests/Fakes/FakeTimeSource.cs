using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

/// <summary>
/// Raw clocks for SntpClock: time passes only in <see cref="Pause"/> or <see cref="Run"/>, and "SNTP" sets the wall
/// clock when the uptime reaches <see cref="SetAtUptimeMs"/> (never, by default), as the native client does
/// asynchronously some time after it was asked.
/// </summary>
public sealed class FakeTimeSource : ITimeSource
{
    private long _wallMs;
    private long _uptimeMs;

    public FakeTimeSource(long wallMs) => _wallMs = wallMs;

    /// <summary>Uptime at which the wall clock is set to <see cref="SetToMs"/>; long.MaxValue for never.</summary>
    public long SetAtUptimeMs { get; set; } = long.MaxValue;

    /// <summary>The wall time the set writes (the true time at that moment).</summary>
    public long SetToMs { get; set; }

    /// <summary>Number of uptime reads after each of which time jumps by <see cref="StallMs"/> (a pause before the next read).</summary>
    public int StallReads { get; set; }

    public long StallMs { get; set; } = 40;

    public int Pauses { get; private set; }

    public long WallMs => _wallMs;

    public long UptimeMs
    {
        get
        {
            var value = _uptimeMs;
            if (StallReads > 0)
            {
                StallReads--;
                Run(StallMs);
            }
            return value;
        }
    }

    public void Pause(int ms)
    {
        Pauses++;
        Run(ms);
    }

    /// <summary>SNTP sets the wall clock now.</summary>
    public void Set(long wallMs) => _wallMs = wallMs;

    /// <summary>Deep sleep: the RTC keeps counting, the process (and its uptime) restarts.</summary>
    public void Sleep(long ms)
    {
        _wallMs += ms;
        _uptimeMs = 0;
    }

    /// <summary>Time passes: both clocks move; the set happens when its moment comes.</summary>
    public void Run(long ms)
    {
        var end = _uptimeMs + ms;
        if (_uptimeMs < SetAtUptimeMs && end >= SetAtUptimeMs)
        {
            _wallMs = SetToMs;
            _wallMs += end - SetAtUptimeMs;
        }
        else
        {
            _wallMs += ms;
        }
        _uptimeMs = end;
    }
}
