using ContainerTag.Core.Hardware;

namespace ContainerTag.Core.Control
{
    /// <summary>Why a wake reported (bit flags).</summary>
    public static class ReportReason
    {
        public const int None = 0;
        public const int FirstBoot = 1;
        public const int Interval = 2;
        public const int SpoolNearlyFull = 4;
        public const int Shock = 8;
        public const int Temperature = 16;
        public const int BatteryLow = 32;

        /// <summary>Events from earlier wakes still wait for their PUBACK.</summary>
        public const int PendingEvents = 64;

        /// <summary>Reasons that do not wait for the report interval.</summary>
        public const int Urgent = FirstBoot | SpoolNearlyFull | Shock | Temperature | BatteryLow;
    }

    /// <summary>What one wake did and how long to sleep now.</summary>
    public class RunResult
    {
        public WakeCause Cause;

        /// <summary>An environment reading was taken and spooled.</summary>
        public bool Sampled;

        /// <summary><see cref="ReportReason"/> flags that applied.</summary>
        public int Reasons;

        public bool ReportAttempted;
        public bool Connected;

        /// <summary>Connected and every message published this session was acknowledged.</summary>
        public bool ReportSucceeded;

        public int ReadingsAcknowledged;
        public int EventsAcknowledged;
        public int EventsRaised;
        public int Thinned;
        public bool ConfigChanged;
        public string ConfigError;

        /// <summary>The hardware fault the adapters noted during this wake (reported as sensor_err), or null.</summary>
        public string SensorError;

        /// <summary>How long to deep-sleep before the next wake.</summary>
        public long NextSleepMs;
    }
}
