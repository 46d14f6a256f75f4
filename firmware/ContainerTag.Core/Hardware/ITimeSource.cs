namespace ContainerTag.Core.Hardware
{
    /// <summary>
    /// The raw clocks under <see cref="SntpClock"/>: the system time that SNTP sets and a monotonic timer.
    /// On the device DateTime.UtcNow, HighResTimer and Thread.Sleep; in tests a fake that SNTP "sets" on cue.
    /// </summary>
    public interface ITimeSource
    {
        /// <summary>System time in Unix ms: free-running until SNTP sets it, continuous through deep sleep.</summary>
        long WallMs { get; }

        /// <summary>Monotonic ms since this wake; never set, so wall minus uptime changes only when the time is set.</summary>
        long UptimeMs { get; }

        /// <summary>Blocks the calling thread for about this long.</summary>
        void Pause(int ms);
    }
}
