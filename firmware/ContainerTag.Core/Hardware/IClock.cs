namespace ContainerTag.Core.Hardware
{
    /// <summary>
    /// The tag's only source of time. Core never reads DateTime or a tick counter itself, so the
    /// simulator can run many tags in accelerated simulated time.
    /// </summary>
    public interface IClock
    {
        /// <summary>
        /// Unix time in ms. While <see cref="IsSynced"/> is false this is a free-running value with an
        /// arbitrary origin; it must run continuously through deep sleep within one boot (the ESP32 RTC
        /// timer does) but may restart at a cold boot.
        /// </summary>
        long NowMs { get; }

        /// <summary>
        /// True once the clock has been set from a trusted source (SNTP). Once true it stays true until
        /// the next cold boot.
        /// </summary>
        bool IsSynced { get; }

        /// <summary>
        /// Monotonic ms since this process started (this wake). Never jumps, unlike <see cref="NowMs"/>
        /// when it gets synced; used to measure awake/radio time and to compute the sync correction.
        /// </summary>
        long UptimeMs { get; }
    }
}
