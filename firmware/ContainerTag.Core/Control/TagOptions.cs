using ContainerTag.Core.Hardware;
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

        /// <summary>
        /// How long a report session waits for the PUBACKs. nanoFramework.M2Mqtt 5.1.220 retries a QoS 1
        /// publish in RAM 3 times 1 s apart, then raises MqttMsgPublished with IsPublished=false
        /// (/work/shared/nanoframework-notes.md, checked against the source): past about 3 s the library has
        /// given up, so a slow PUBACK is a failed publish and the readings stay in flash for the next session.
        /// 5 s covers the retries plus the event dispatch; a longer wait only keeps the radio on.
        /// </summary>
        public int PublishTimeoutMs = 5000;

        public int MaxReadingsPerSession = 512;
        public int MaxMessagesPerSession = 64;

        /// <summary>No second shock event within this time of the previous one.</summary>
        public int ShockDebounceS = 60;

        public int MaxPendingEvents = 16;

        /// <summary>Used until a valid config message has been received.</summary>
        public TagConfig DefaultConfig = new TagConfig();

        /// <summary>Shared with the adapters: the hardware faults they note become the status <c>sensor_err</c>.</summary>
        public FaultLog Faults = new FaultLog();
    }
}
