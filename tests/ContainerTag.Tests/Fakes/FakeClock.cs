using ContainerTag.Core.Hardware;

namespace ContainerTag.Tests.Fakes;

/// <summary>Settable clock. A "reboot" restarts UptimeMs; a cold boot may also reset NowMs.</summary>
public sealed class FakeClock : IClock
{
    public long NowMs { get; set; } = 1_732_600_000_000;
    public bool IsSynced { get; set; } = true;
    public long UptimeMs { get; set; }

    /// <summary>Time passes while awake (both clocks move).</summary>
    public void Run(long ms)
    {
        NowMs += ms;
        UptimeMs += ms;
    }

    /// <summary>Deep sleep: the RTC keeps counting, the process restarts.</summary>
    public void Sleep(long ms)
    {
        NowMs += ms;
        UptimeMs = 0;
    }
}
