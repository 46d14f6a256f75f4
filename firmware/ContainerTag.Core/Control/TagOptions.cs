using ContainerTag.Core.Protocol;

namespace ContainerTag.Core.Control
{
    /// <summary>Fixed settings of one tag (provisioned, not changed by the config message).</summary>
    public class TagOptions
    {
        public string Fleet;
        public string Container;
        public string Tag;

        /// <summary>Accept a container id of the fleet/tag charset instead of an ISO 6346 number.</summary>
        public bool AllowNonIsoContainer;

        public string FirmwareVersion = "1.0.0";

        /// <summary>Readings the spool holds before thinning: 14 days at 5-minute sampling, about 80 KiB.</summary>
        public int SpoolCapacity = 4032;

        public int RecordsPerBlock = 32;
        public double BatteryCapacityMah = 3400;

        /// <summary>How long a report session waits for the PUBACKs.</summary>
        public int PublishTimeoutMs = 15000;

        public int MaxReadingsPerSession = 512;
        public int MaxMessagesPerSession = 64;

        /// <summary>No second shock event within this time of the previous one.</summary>
        public int ShockDebounceS = 60;

        public int MaxPendingEvents = 16;

        /// <summary>Used until a valid config message has been received.</summary>
        public TagConfig DefaultConfig = new TagConfig();
    }
}
