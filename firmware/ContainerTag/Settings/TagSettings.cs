using ContainerTag.Core.Protocol;

namespace ContainerTag.Device.Settings
{
    /// <summary>
    /// What provisioning writes to I:\tag.json (firmware/Provisioning): the contract's config message
    /// (docs/protocol.md section 4.4, used as the initial config until the broker's retained one
    /// arrives) plus the tag's identity and its broker. Wi-Fi credentials are not in this file: nanoff
    /// --networkdeployment stores them in the device's native wireless configuration.
    /// </summary>
    public class TagSettings
    {
        /// <summary>Path of the file on the device.</summary>
        public const string FilePath = "I:\\tag.json";

        public string Fleet;
        public string Container;
        public string Tag;
        public bool AllowNonIsoContainer;
        public string BrokerHost;
        public int BrokerPort = 1883;

        /// <summary>The tag's MQTT account ({fleet}/{container}/{tag}, docs/security.md); null connects without one.</summary>
        public string MqttUser;
        public string MqttPassword;
        public TagConfig Config;
    }
}
