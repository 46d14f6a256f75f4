using System;

namespace ContainerTag.Core.Protocol
{
    /// <summary>
    /// Who a tag is on the wire: fleet, container, tag, and the topic names derived from them
    /// (docs/protocol.md section 2). Built once per controller.
    /// </summary>
    public class TagIdentity
    {
        public const string TopicRoot = "tracking/v1/";

        public TagIdentity(string fleet, string container, string tag, bool allowNonIsoContainer)
        {
            if (!IsValidId(fleet))
            {
                throw new ArgumentException("fleet id must match [A-Za-z0-9_-]{1,64}");
            }
            if (!IsValidId(tag))
            {
                throw new ArgumentException("tag id must match [A-Za-z0-9_-]{1,64}");
            }
            if (!(IsValidContainer(container) || (allowNonIsoContainer && IsValidId(container))))
            {
                throw new ArgumentException("container must be an ISO 6346 number with a valid check digit");
            }
            Fleet = fleet;
            Container = container;
            Tag = tag;
            string tagRoot = TopicRoot + fleet + "/" + container + "/" + tag + "/";
            TelemetryTopic = tagRoot + "telemetry";
            EventTopic = tagRoot + "event";
            StatusTopic = tagRoot + "status";
            ConfigTopic = tagRoot + "config";
            AlertTopic = TopicRoot + fleet + "/" + container + "/alert";
            ClientId = "tag." + fleet + "." + tag;
        }

        public string Fleet { get; private set; }
        public string Container { get; private set; }
        public string Tag { get; private set; }
        public string TelemetryTopic { get; private set; }
        public string EventTopic { get; private set; }
        public string StatusTopic { get; private set; }
        public string ConfigTopic { get; private set; }
        public string AlertTopic { get; private set; }

        /// <summary>MQTT client id: "tag.{fleet}.{tag}".</summary>
        public string ClientId { get; private set; }

        /// <summary>Fleet and tag ids: 1 to 64 of [A-Za-z0-9_-].</summary>
        public static bool IsValidId(string id)
        {
            if (id == null || id.Length < 1 || id.Length > 64)
            {
                return false;
            }
            for (int i = 0; i < id.Length; i++)
            {
                char c = id[i];
                bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
                if (!ok)
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>ISO 6346: four capital letters, six serial digits and the check digit.</summary>
        public static bool IsValidContainer(string id)
        {
            if (id == null || id.Length != 11)
            {
                return false;
            }
            for (int i = 0; i < 11; i++)
            {
                char c = id[i];
                bool ok = i < 4 ? (c >= 'A' && c <= 'Z') : (c >= '0' && c <= '9');
                if (!ok)
                {
                    return false;
                }
            }
            return Iso6346CheckDigit(id) == id[10] - '0';
        }

        /// <summary>
        /// Check digit of the first ten characters: letters take the values 10..38 skipping multiples
        /// of 11 (A=10, B=12 ... K=21, L=23 ... U=32, V=34 ... Z=38), digits their own value; each is
        /// weighted by 2^position, the sum is taken mod 11 and then mod 10 (a remainder of 10 gives 0).
        /// </summary>
        public static int Iso6346CheckDigit(string id)
        {
            int sum = 0;
            for (int i = 0; i < 10; i++)
            {
                char c = id[i];
                int value = c >= '0' && c <= '9' ? c - '0' : LetterValue(c);
                sum += value << i;
            }
            return sum % 11 % 10;
        }

        private static int LetterValue(char c)
        {
            int value = 10;
            for (char l = 'A'; l < c; l++)
            {
                value++;
                if (value % 11 == 0)
                {
                    value++;
                }
            }
            return value;
        }
    }
}
