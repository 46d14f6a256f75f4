namespace ContainerTag.Core.Hardware
{
    /// <summary>Why the tag is running.</summary>
    public enum WakeCause
    {
        /// <summary>Power-on, reset, brown-out, watchdog or firmware update: a new boot.</summary>
        PowerOn = 0,

        /// <summary>The deep-sleep timer expired: time for a scheduled sample.</summary>
        Timer = 1,

        /// <summary>The accelerometer's interrupt pin woke the tag.</summary>
        Shock = 2
    }

    /// <summary>Battery, sleep and wake-up services.</summary>
    public interface IPower
    {
        /// <summary>Battery voltage in V; double.NaN when it cannot be measured.</summary>
        double BatteryVolts { get; }

        /// <summary>Why this process started.</summary>
        WakeCause GetWakeCause();

        /// <summary>
        /// Requests deep sleep for the given time, with the timer and the shock pin as wake sources.
        /// On the device this does not return (the tag reboots on wake); a simulator returns.
        /// </summary>
        void DeepSleep(long durationMs);
    }
}
