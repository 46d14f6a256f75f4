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

        /// <summary>Longest fleet or tag id (and non-ISO container id).</summary>
        public const int MaxIdLength = 64;

        /// <summary>Owner code (3), category (1), serial (6), check digit (1).</summary>
        public const int ContainerNumberLength = 11;

        public TagIdentity(string fleet, string container, string tag, bool allowNonIsoContainer)
        {
            IdError error = CheckId(fleet);
            if (error != IdError.None)
            {
                throw new ArgumentException("fleet id: " + Describe(error));
            }
            error = CheckId(tag);
            if (error != IdError.None)
            {
                throw new ArgumentException("tag id: " + Describe(error));
            }
            error = container == null ? IdError.Empty : CheckContainer(container, 0, container.Length, allowNonIsoContainer);
            if (error != IdError.None)
            {
                throw new ArgumentException("container id: " + Describe(error));
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
            return CheckId(id) == IdError.None;
        }

        /// <summary>ISO 6346 container number (owner code, category U/J/Z, serial, correct check digit).</summary>
        public static bool IsValidContainer(string id)
        {
            return id != null && CheckContainerNumber(id, 0, id.Length) == IdError.None;
        }

        /// <summary>The rule a fleet or tag id breaks, or <see cref="IdError.None"/>.</summary>
        public static IdError CheckId(string id)
        {
            return id == null ? IdError.Empty : CheckId(id, 0, id.Length);
        }

        /// <summary>
        /// The rule that <paramref name="length"/> characters of <paramref name="text"/> from
        /// <paramref name="offset"/> break as a fleet or tag id, or <see cref="IdError.None"/>. Allocates nothing,
        /// so the gateway checks topic levels in place.
        /// </summary>
        public static IdError CheckId(string text, int offset, int length)
        {
            if (length < 1)
            {
                return IdError.Empty;
            }
            if (length > MaxIdLength)
            {
                return IdError.TooLong;
            }
            for (int i = offset; i < offset + length; i++)
            {
                if (!IsIdCharacter(text[i]))
                {
                    return IdError.BadCharacter;
                }
            }
            return IdError.None;
        }

        /// <summary>
        /// The container level: an ISO 6346 number, or with <paramref name="allowNonIso"/> any id of the fleet/tag
        /// charset (every ISO 6346 number is one, docs/protocol.md section 2).
        /// </summary>
        public static IdError CheckContainer(string text, int offset, int length, bool allowNonIso)
        {
            return allowNonIso ? CheckId(text, offset, length) : CheckContainerNumber(text, offset, length);
        }

        /// <summary>
        /// ISO 6346 container number: 3-letter owner code, category identifier U (freight container),
        /// J (detachable freight container-related equipment) or Z (trailer or chassis), 6-digit serial number and
        /// the check digit. Checked part by part so the error says which part is wrong.
        /// </summary>
        public static IdError CheckContainerNumber(string text, int offset, int length)
        {
            if (length != ContainerNumberLength)
            {
                return IdError.WrongLength;
            }
            for (int i = 0; i < 3; i++)
            {
                if (!IsCapitalLetter(text[offset + i]))
                {
                    return IdError.BadOwnerCode;
                }
            }
            if (!IsCategory(text[offset + 3]))
            {
                return IdError.BadCategory;
            }
            for (int i = 4; i < 10; i++)
            {
                if (!IsDigit(text[offset + i]))
                {
                    return IdError.BadSerial;
                }
            }
            return text[offset + 10] - '0' == Iso6346CheckDigit(text, offset) ? IdError.None : IdError.BadCheckDigit;
        }

        /// <summary>ISO 6346 equipment category identifiers: U, J and Z (docs/protocol.md section 2).</summary>
        public static bool IsCategory(char c)
        {
            return c == 'U' || c == 'J' || c == 'Z';
        }

        /// <summary>The characters of fleet and tag ids: [A-Za-z0-9_-].</summary>
        public static bool IsIdCharacter(char c)
        {
            return IsCapitalLetter(c) || (c >= 'a' && c <= 'z') || IsDigit(c) || c == '_' || c == '-';
        }

        /// <summary>The reason an id is refused, in words (for exceptions, the provisioning tool and dead letters).</summary>
        public static string Describe(IdError error)
        {
            switch (error)
            {
                case IdError.None: return "valid";
                case IdError.Empty: return "empty; ids are 1 to 64 characters of [A-Za-z0-9_-]";
                case IdError.TooLong: return "longer than 64 characters; ids are 1 to 64 characters of [A-Za-z0-9_-]";
                case IdError.BadCharacter: return "a character outside [A-Za-z0-9_-]; ids are 1 to 64 characters of [A-Za-z0-9_-]";
                case IdError.WrongLength: return "not 11 characters; an ISO 6346 number is owner code, category, 6 digits and check digit";
                case IdError.BadOwnerCode: return "the ISO 6346 owner code (characters 1 to 3) must be capital letters A-Z";
                case IdError.BadCategory: return "the ISO 6346 category identifier (character 4) must be U, J or Z";
                case IdError.BadSerial: return "the ISO 6346 serial number (characters 5 to 10) must be digits";
                case IdError.BadCheckDigit: return "the ISO 6346 check digit (character 11) is wrong";
                default: return "invalid";
            }
        }

        /// <summary>Check digit of the first ten characters of <paramref name="id"/>.</summary>
        public static int Iso6346CheckDigit(string id)
        {
            return Iso6346CheckDigit(id, 0);
        }

        /// <summary>
        /// Check digit of the ten characters from <paramref name="offset"/> (capital letters and digits): letters
        /// take the values 10..38 skipping multiples of 11 (A=10, B=12 ... K=21, L=23 ... U=32, V=34 ... Z=38),
        /// digits their own value; each is weighted by 2^position, the sum is taken mod 11 and then mod 10 (a
        /// remainder of 10 gives 0).
        /// </summary>
        public static int Iso6346CheckDigit(string text, int offset)
        {
            int sum = 0;
            for (int i = 0; i < 10; i++)
            {
                char c = text[offset + i];
                int value = IsDigit(c) ? c - '0' : LetterValue(c);
                sum += value << i;
            }
            return sum % 11 % 10;
        }

        private static int LetterValue(char c)
        {
            // 10 + alphabet index, shifted past the skipped 11, 22 and 33: (value - 1) / 10 is how many of them come first.
            int value = 10 + (c - 'A');
            return value + (value - 1) / 10;
        }

        private static bool IsCapitalLetter(char c)
        {
            return c >= 'A' && c <= 'Z';
        }

        private static bool IsDigit(char c)
        {
            return c >= '0' && c <= '9';
        }
    }
}
