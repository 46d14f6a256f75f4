using System.Text;

namespace Tracking.Mqtt;

/// <summary>Topic names and filters (§4.7 in both specs; shared subscriptions §4.8.2 of 5.0).</summary>
public static class MqttTopic
{
    public const string SharedPrefix = "$share/";

    /// <summary>A topic name to publish to: at least one character, no wildcards, at most 65,535 bytes.</summary>
    public static void ValidateName(string topic)
    {
        MqttWire.ValidateOutgoing(topic, nameof(topic));
        if (topic.Length == 0) throw new ArgumentException("topic name is empty", nameof(topic));
        if (topic.AsSpan().IndexOfAny('+', '#') >= 0)
            throw new ArgumentException($"topic name '{topic}' contains a wildcard", nameof(topic));
        if (Encoding.UTF8.GetByteCount(topic) > ushort.MaxValue)
            throw new ArgumentException("topic name longer than 65,535 bytes", nameof(topic));
    }

    /// <summary>
    /// A topic filter to subscribe to: '#' only as the whole last level, '+' only as a whole level,
    /// and for <c>$share/{group}/{filter}</c> a non-empty group without '/', '+' or '#'.
    /// </summary>
    public static void ValidateFilter(string filter)
    {
        MqttWire.ValidateOutgoing(filter, nameof(filter));
        if (filter.Length == 0) throw new ArgumentException("topic filter is empty", nameof(filter));
        if (Encoding.UTF8.GetByteCount(filter) > ushort.MaxValue)
            throw new ArgumentException("topic filter longer than 65,535 bytes", nameof(filter));
        var f = filter.AsSpan();
        if (f.StartsWith(SharedPrefix))
        {
            var rest = f[SharedPrefix.Length..];
            int slash = rest.IndexOf('/');
            if (slash <= 0)
                throw new ArgumentException($"shared subscription '{filter}' needs $share/<group>/<filter>", nameof(filter));
            if (rest[..slash].IndexOfAny('+', '#') >= 0)
                throw new ArgumentException($"share name in '{filter}' contains a wildcard", nameof(filter));
            f = rest[(slash + 1)..];
            if (f.Length == 0) throw new ArgumentException($"shared subscription '{filter}' has an empty filter", nameof(filter));
        }
        while (true)
        {
            int end = f.IndexOf('/');
            var part = end < 0 ? f : f[..end];
            if (part.Contains('#') && (part.Length != 1 || end >= 0))
                throw new ArgumentException($"'#' must be the whole last level of '{filter}'", nameof(filter));
            if (part.Contains('+') && part.Length != 1)
                throw new ArgumentException($"'+' must be a whole level of '{filter}'", nameof(filter));
            if (end < 0) break;
            f = f[(end + 1)..];
        }
    }

    /// <summary>A filter received from a peer: an invalid one is a protocol error there (§4.7.1).</summary>
    internal static string ValidateIncomingFilter(string filter)
    {
        try
        {
            ValidateFilter(filter);
            return filter;
        }
        catch (ArgumentException ex)
        {
            throw MqttProtocolException.Malformed("invalid topic filter: " + ex.Message);
        }
    }

    public static bool ContainsWildcard(ReadOnlySpan<byte> utf8Topic) => utf8Topic.IndexOfAny((byte)'+', (byte)'#') >= 0;

    /// <summary>Whether <paramref name="topic"/> matches <paramref name="filter"/> (§4.7.1, §4.7.2: '$' topics vs. leading wildcards).</summary>
    public static bool Matches(string filter, string topic)
    {
        var f = filter.AsSpan();
        if (f.StartsWith(SharedPrefix))
        {
            f = f[SharedPrefix.Length..];
            f = f[(f.IndexOf('/') + 1)..];
        }
        var t = topic.AsSpan();
        if (t.Length > 0 && t[0] == '$' && f.Length > 0 && (f[0] == '+' || f[0] == '#')) return false;
        while (true)
        {
            int fe = f.IndexOf('/');
            var fp = fe < 0 ? f : f[..fe];
            if (fp.SequenceEqual("#")) return true;
            int te = t.IndexOf('/');
            var tp = te < 0 ? t : t[..te];
            if (!fp.SequenceEqual("+") && !fp.SequenceEqual(tp)) return false;
            if (fe < 0 || te < 0)
            {
                // "a/#" also matches "a" (§4.7.1.2).
                if (fe >= 0 && te < 0) return f[(fe + 1)..].SequenceEqual("#");
                return fe < 0 && te < 0;
            }
            f = f[(fe + 1)..];
            t = t[(te + 1)..];
        }
    }
}
