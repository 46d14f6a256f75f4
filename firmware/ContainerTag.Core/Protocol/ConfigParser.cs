namespace ContainerTag.Core.Protocol
{
    /// <summary>
    /// Parses and validates a config message (docs/protocol.md section 4.4). Accepts any field order,
    /// whitespace and unknown fields (skipped, whatever their type); rejects malformed JSON, duplicate
    /// or missing fields, wrong types, out-of-range values and v other than 1, with a reason.
    /// </summary>
    public class ConfigParser
    {
        private const int MaxDepth = 16;

        private static readonly string[] Fields = new string[]
        {
            "v", "sample_s", "report_s", "t_lo", "t_hi", "t_delay_s", "shock_g", "bat_lo"
        };

        // integer-only fields, by index in Fields
        private static readonly bool[] IntegerField = new bool[] { true, true, true, false, false, true, false, false };

        /// <summary>Why the last Parse returned null.</summary>
        public string Error { get; private set; }

        /// <summary>The config, or null with <see cref="Error"/> set.</summary>
        public TagConfig Parse(byte[] data, int length)
        {
            Error = null;
            if (data == null || length <= 0)
            {
                return Reject("empty message");
            }
            if (length > Limits.MaxPayloadBytes)
            {
                return Reject("message larger than 4096 bytes");
            }
            JsonTokenizer t = new JsonTokenizer(data, length);
            double[] values = new double[Fields.Length];
            bool[] seen = new bool[Fields.Length];
            if (t.Next() != JsonToken.BeginObject)
            {
                return Reject(t.Error != null ? t.Error : "not a JSON object");
            }
            JsonToken token = t.Next();
            if (token != JsonToken.EndObject)
            {
                while (true)
                {
                    if (token != JsonToken.String)
                    {
                        return Reject(token == JsonToken.Error ? t.Error : "expected a field name");
                    }
                    string key = t.StringValue;
                    if (t.Next() != JsonToken.Colon)
                    {
                        return Reject("expected ':' after \"" + Short(key) + "\"");
                    }
                    int field = IndexOf(key);
                    if (field >= 0)
                    {
                        if (seen[field])
                        {
                            return Reject(key + ": duplicate field");
                        }
                        seen[field] = true;
                        JsonToken value = t.Next();
                        if (value == JsonToken.Error)
                        {
                            return Reject(t.Error);
                        }
                        if (value != JsonToken.Number)
                        {
                            return Reject(key + ": expected a number");
                        }
                        double v = t.NumberValue;
                        if (double.IsInfinity(v) || double.IsNaN(v))
                        {
                            return Reject(key + ": number out of range");
                        }
                        if (IntegerField[field] && (v != System.Math.Floor(v) || v > 2147483647 || v < -2147483648))
                        {
                            return Reject(key + ": expected an integer");
                        }
                        values[field] = v;
                    }
                    else if (!SkipValue(t, t.Next(), 1))
                    {
                        return Reject(t.Error != null ? t.Error : "malformed value of \"" + Short(key) + "\"");
                    }
                    token = t.Next();
                    if (token == JsonToken.EndObject)
                    {
                        break;
                    }
                    if (token != JsonToken.Comma)
                    {
                        return Reject(token == JsonToken.Error ? t.Error : "expected ',' or '}'");
                    }
                    token = t.Next();
                }
            }
            if (t.Next() != JsonToken.End)
            {
                return Reject("trailing data after the object");
            }
            for (int i = 0; i < Fields.Length; i++)
            {
                if (!seen[i])
                {
                    return Reject(Fields[i] + ": missing");
                }
            }
            if (values[0] != Limits.Version)
            {
                return Reject("v: unsupported version");
            }
            TagConfig c = new TagConfig();
            c.SampleS = (int)values[1];
            c.ReportS = (int)values[2];
            c.TempLowC = values[3];
            c.TempHighC = values[4];
            c.TempDelayS = (int)values[5];
            c.ShockG = values[6];
            c.BatteryLowV = values[7];
            string invalid = c.Validate();
            if (invalid != null)
            {
                return Reject(invalid);
            }
            return c;
        }

        private TagConfig Reject(string reason)
        {
            Error = reason == null ? "malformed JSON" : reason;
            return null;
        }

        private static int IndexOf(string key)
        {
            for (int i = 0; i < Fields.Length; i++)
            {
                if (Fields[i] == key)
                {
                    return i;
                }
            }
            return -1;
        }

        /// <summary>
        /// A field name as quoted in a reason: at most 32 chars, printable ASCII only. The reason travels in the status
        /// message (cfg_err) and the state slot; a control char, an unpaired surrogate from a \uD800 escape or half a
        /// pair cut at char 32 would make that status message undecodable at the gateway.
        /// </summary>
        private static string Short(string s)
        {
            int n = s.Length > 32 ? 32 : s.Length;
            char[] chars = new char[n];
            for (int i = 0; i < n; i++)
            {
                char c = s[i];
                chars[i] = c >= ' ' && c <= '~' ? c : '?';
            }
            return new string(chars);
        }

        /// <summary>Skips one value that starts with the given token (nested up to MaxDepth).</summary>
        private static bool SkipValue(JsonTokenizer t, JsonToken first, int depth)
        {
            switch (first)
            {
                case JsonToken.String:
                case JsonToken.Number:
                case JsonToken.True:
                case JsonToken.False:
                case JsonToken.Null:
                    return true;
                case JsonToken.BeginArray:
                case JsonToken.BeginObject:
                    if (depth >= MaxDepth)
                    {
                        return false;
                    }
                    bool isObject = first == JsonToken.BeginObject;
                    JsonToken close = isObject ? JsonToken.EndObject : JsonToken.EndArray;
                    JsonToken token = t.Next();
                    if (token == close)
                    {
                        return true;
                    }
                    while (true)
                    {
                        if (isObject)
                        {
                            if (token != JsonToken.String || t.Next() != JsonToken.Colon)
                            {
                                return false;
                            }
                            token = t.Next();
                        }
                        if (!SkipValue(t, token, depth + 1))
                        {
                            return false;
                        }
                        token = t.Next();
                        if (token == close)
                        {
                            return true;
                        }
                        if (token != JsonToken.Comma)
                        {
                            return false;
                        }
                        token = t.Next();
                    }
                default:
                    return false;
            }
        }
    }
}
