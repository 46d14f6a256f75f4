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
        /// How long a report session waits for the PUBACKs. The device's client settles every QoS 1 publish within
        /// <see cref="MqttClientRetry.GiveUpMs"/> of sending it (PUBACK, or IsPublished=false after its third
        /// send), so waiting longer only keeps the radio on; a shorter wait would throw away PUBACKs the client
        /// still accepts. Whatever is not Published when the wait ends is a failed publish: its readings stay in
        /// flash and go again in the next session (the broker may then hold two copies; the receivers dedupe by
        /// boot and seq, docs/protocol.md section 8).
        /// </summary>
        public int PublishTimeoutMs = MqttClientRetry.GiveUpMs + MqttClientRetry.SettleMarginMs;

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
