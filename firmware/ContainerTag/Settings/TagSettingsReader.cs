using ContainerTag.Core.Protocol;

namespace ContainerTag.Device.Settings
{
    /// <summary>
    /// Parses I:\tag.json. Pure code on Core's tokenizer and config parser, so the host tests run the
    /// same reader over what the provision command writes.
    /// </summary>
    public class TagSettingsReader
    {
        private const int MaxHostLength = 253;

        /// <summary>Why the last Read returned null.</summary>
        public string Error { get; private set; }

        public TagSettings Read(byte[] data, int length)
        {
            Error = null;
            ConfigParser configParser = new ConfigParser();
            TagConfig config = configParser.Parse(data, length);
            if (config == null)
            {
                return Fail("config: " + configParser.Error);
            }
            TagSettings s = new TagSettings();
            s.Config = config;
            JsonTokenizer t = new JsonTokenizer(data, length);
            if (t.Next() != JsonToken.BeginObject)
            {
                return Fail("not a JSON object");
            }
            JsonToken token = t.Next();
            bool seenPort = false;
            string seen = ",";
            while (token != JsonToken.EndObject)
            {
                if (token != JsonToken.String)
                {
                    return Fail(token == JsonToken.Error ? t.Error : "expected a field name");
                }
                string key = t.StringValue;
                if (t.Next() != JsonToken.Colon)
                {
                    return Fail("expected ':'");
                }
                JsonToken value = t.Next();
                if (value == JsonToken.Error)
                {
                    return Fail(t.Error);
                }
                bool known = key == "fleet" || key == "container" || key == "tag" || key == "broker_host"
                    || key == "broker_port" || key == "allow_non_iso_container" || key == "mqtt_user" || key == "mqtt_password";
                if (known)
                {
                    // as in the config message: a repeated key is ambiguous (which broker?), not "last one wins"
                    if (seen.IndexOf("," + key + ",") >= 0)
                    {
                        return Fail(key + ": duplicate field");
                    }
                    seen += key + ",";
                }
                if (key == "fleet" || key == "container" || key == "tag" || key == "broker_host")
                {
                    if (value != JsonToken.String)
                    {
                        return Fail(key + ": expected a string");
                    }
                    if (key == "fleet") { s.Fleet = t.StringValue; }
                    else if (key == "container") { s.Container = t.StringValue; }
                    else if (key == "tag") { s.Tag = t.StringValue; }
                    else { s.BrokerHost = t.StringValue; }
                }
                else if (key == "broker_port")
                {
                    double port = t.NumberValue;
                    if (value != JsonToken.Number || port != System.Math.Floor(port) || port < 1 || port > 65535)
                    {
                        return Fail("broker_port: expected an integer 1..65535");
                    }
                    s.BrokerPort = (int)port;
                    seenPort = true;
                }
                else if (key == "mqtt_user" || key == "mqtt_password")
                {
                    if (value != JsonToken.String || t.StringValue.Length == 0)
                    {
                        return Fail(key + ": expected a non-empty string");
                    }
                    if (key == "mqtt_user") { s.MqttUser = t.StringValue; }
                    else { s.MqttPassword = t.StringValue; }
                }
                else if (key == "allow_non_iso_container")
                {
                    if (value != JsonToken.True && value != JsonToken.False)
                    {
                        return Fail("allow_non_iso_container: expected true or false");
                    }
                    s.AllowNonIsoContainer = value == JsonToken.True;
                }
                else if (!SkipValue(t, value))
                {
                    return Fail(t.Error != null ? t.Error : "malformed value of " + key);
                }
                token = t.Next();
                if (token == JsonToken.Comma)
                {
                    token = t.Next();
                }
                else if (token != JsonToken.EndObject)
                {
                    return Fail("expected ',' or '}'");
                }
            }
            if (s.Fleet == null || s.Container == null || s.Tag == null || s.BrokerHost == null || !seenPort)
            {
                return Fail("fleet, container, tag, broker_host and broker_port are required");
            }
            if (s.MqttPassword != null && s.MqttUser == null)
            {
                return Fail("mqtt_password needs mqtt_user");
            }
            if (s.BrokerHost.Length == 0 || s.BrokerHost.Length > MaxHostLength || !IsHostName(s.BrokerHost))
            {
                return Fail("broker_host: a DNS name or IPv4 address of 1 to 253 characters [A-Za-z0-9.-]");
            }
            try
            {
                // The same rules the controller applies; checked here so a bad file is reported at boot.
                new TagIdentity(s.Fleet, s.Container, s.Tag, s.AllowNonIsoContainer);
            }
            catch (System.ArgumentException e)
            {
                return Fail(e.Message);
            }
            return s;
        }

        /// <summary>
        /// The rule provisioning applies to --broker: dot-separated labels of 1 to 63 letters, digits and '-', not
        /// starting or ending with '-'. Anything else (a space, a NUL, an unpaired surrogate) could never resolve.
        /// </summary>
        private static bool IsHostName(string host)
        {
            int labelStart = 0;
            for (int i = 0; i <= host.Length; i++)
            {
                if (i == host.Length || host[i] == '.')
                {
                    int n = i - labelStart;
                    if (n == 0 || n > 63 || host[labelStart] == '-' || host[i - 1] == '-')
                    {
                        return false;
                    }
                    labelStart = i + 1;
                    continue;
                }
                char c = host[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
                {
                    return false;
                }
            }
            return true;
        }

        private static bool SkipValue(JsonTokenizer t, JsonToken first)
        {
            if (first != JsonToken.BeginObject && first != JsonToken.BeginArray)
            {
                return first != JsonToken.Error && first != JsonToken.EndObject && first != JsonToken.EndArray
                    && first != JsonToken.Comma && first != JsonToken.Colon;
            }
            int depth = 1;
            while (depth > 0)
            {
                JsonToken token = t.Next();
                if (token == JsonToken.Error || token == JsonToken.End)
                {
                    return false;
                }
                if (token == JsonToken.BeginObject || token == JsonToken.BeginArray)
                {
                    depth++;
                }
                else if (token == JsonToken.EndObject || token == JsonToken.EndArray)
                {
                    depth--;
                }
            }
            return true;
        }

        private TagSettings Fail(string reason)
        {
            Error = reason;
            return null;
        }
    }
}
