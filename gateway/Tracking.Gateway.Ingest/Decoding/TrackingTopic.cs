using ContainerTag.Core.Protocol;

namespace Tracking.Gateway.Ingest.Decoding;

/// <summary>
/// A parsed <c>tracking/v1/{fleet}/{container}/{tag}/{kind}</c> topic. The ids are ranges of the topic string, so
/// parsing allocates nothing.
/// </summary>
public readonly struct TrackingTopic
{
    public const string Prefix = "tracking/v1/";

    private readonly Range _fleet;
    private readonly Range _container;
    private readonly Range _tag;

    private TrackingTopic(string topic, Range fleet, Range container, Range tag, MessageKind kind)
    {
        Topic = topic;
        _fleet = fleet;
        _container = container;
        _tag = tag;
        Kind = kind;
    }

    public string Topic { get; }
    public MessageKind Kind { get; }
    public ReadOnlySpan<char> Fleet => Topic.AsSpan()[_fleet];
    public ReadOnlySpan<char> Container => Topic.AsSpan()[_container];
    public ReadOnlySpan<char> Tag => Topic.AsSpan()[_tag];

    /// <summary><c>{fleet}/{container}/{tag}</c>: the identity of one tag, for deduplication.</summary>
    public ReadOnlySpan<char> TagPath => Topic.AsSpan(_fleet.Start.Value, _tag.End.Value - _fleet.Start.Value);

    /// <param name="strictContainerIds">When false, a container id may be any id of the fleet/tag charset
    /// (test rigs, non-ISO assets) instead of an ISO 6346 number (category U, J or Z, correct check digit).</param>
    /// <remarks>The id rules are ContainerTag.Core's, checked in place on the topic string (no allocation).</remarks>
    public static bool TryParse(string topic, bool strictContainerIds, out TrackingTopic parsed, out Rejection rejection)
    {
        parsed = default;
        ReadOnlySpan<char> span = topic.AsSpan();
        if (!span.StartsWith(Prefix, StringComparison.Ordinal))
        {
            rejection = new Rejection(RejectReason.BadTopic, $"topic does not start with {Prefix}");
            return false;
        }

        Span<Range> parts = stackalloc Range[5];
        ReadOnlySpan<char> rest = span[Prefix.Length..];
        int count = rest.Split(parts, '/');
        if (count != 4)
        {
            rejection = new Rejection(RejectReason.BadTopic, "expected tracking/v1/{fleet}/{container}/{tag}/{telemetry|event|status|config}");
            return false;
        }

        var fleet = Shift(parts[0]);
        var container = Shift(parts[1]);
        var tag = Shift(parts[2]);
        ReadOnlySpan<char> kindText = span[Shift(parts[3])];
        MessageKind kind;
        switch (kindText)
        {
            case "telemetry": kind = MessageKind.Telemetry; break;
            case "event": kind = MessageKind.Event; break;
            case "status": kind = MessageKind.Status; break;
            case "config": kind = MessageKind.Config; break;
            default:
                rejection = new Rejection(RejectReason.BadTopic, "unknown message type in topic");
                return false;
        }

        IdError error = Identifiers.CheckId(topic, fleet.Start.Value, Length(fleet));
        if (error != IdError.None)
        {
            rejection = new Rejection(RejectReason.BadFleetId, Identifiers.Describe(error));
            return false;
        }

        error = Identifiers.CheckContainer(topic, container.Start.Value, Length(container), strictContainerIds);
        if (error != IdError.None)
        {
            rejection = new Rejection(RejectReason.BadContainerId, Identifiers.Describe(error));
            return false;
        }

        error = Identifiers.CheckId(topic, tag.Start.Value, Length(tag));
        if (error != IdError.None)
        {
            rejection = new Rejection(RejectReason.BadTagId, Identifiers.Describe(error));
            return false;
        }

        parsed = new TrackingTopic(topic, fleet, container, tag, kind);
        rejection = default;
        return true;

        static Range Shift(Range r) => new(r.Start.Value + Prefix.Length, r.End.Value + Prefix.Length);
        static int Length(Range r) => r.End.Value - r.Start.Value;
    }
}
